"""URL map. Each app keeps its own urls; every view checks access through kaohe.accounts.access."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from kaohe.assessment import views as assessment
from kaohe.assessment import views_years
from kaohe.audit import views as audit

campaign = [
    path("", assessment.overview, name="overview"),
    path("move/", assessment.move, name="move"),
    path("results/", assessment.results, name="results"),
    path("statistics/", assessment.statistics, name="statistics"),
    path("clone/", views_years.clone, name="clone"),
    path("compare/", views_years.compare, name="compare"),
    path("scoring/", include("kaohe.scoring.urls")),
    path("notice/", include("kaohe.notices.urls")),
    path("inspection/", include("kaohe.inspection.urls")),
    path("", include("kaohe.portal.urls")),
]

urlpatterns = [
    path("", assessment.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("campaigns/", assessment.campaigns, name="campaigns"),
    path("campaigns/<slug:code>/", include(campaign)),
    path("registry/", include("kaohe.registry.urls")),
    path("audit/", audit.log, name="audit_log"),
    path("admin/", admin.site.urls),
]
