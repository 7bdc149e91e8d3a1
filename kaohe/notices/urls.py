from django.urls import path

from . import views

app_name = "notices"
urlpatterns = [
    path("", views.preview, name="preview"),
    path("edit/", views.edit, name="edit"),
    path("accept/", views.accept, name="accept"),
    path("download/<str:fmt>/", views.download, name="download"),
]
