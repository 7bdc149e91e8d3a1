"""Who is acting in the current request, for changes recorded by signals (users, roles)."""

from contextvars import ContextVar

current_actor: ContextVar[object | None] = ContextVar("kaohe_current_actor", default=None)


class ActorMiddleware:
    """Remembers the signed-in user for the length of a request."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        token = current_actor.set(getattr(request, "user", None))
        try:
            return self.get_response(request)
        finally:
            current_actor.reset(token)
