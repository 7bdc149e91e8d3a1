"""Mounted at /campaigns/<code>/inspection/ (namespace "inspection")."""

from django.urls import path

from . import views

app_name = "inspection"
urlpatterns = [
    path("", views.sites, name="sites"),
    path("sites/<int:site_id>/", views.site, name="site"),
    path("sites/<int:site_id>/columns/", views.import_columns, name="import_columns"),
    path("sites/<int:site_id>/columns/template.csv", views.columns_template, name="template"),
    path("sites/<int:site_id>/schedule/", views.schedule, name="schedule"),
    path("sites/<int:site_id>/start/", views.start, name="start"),
    path("runs/<int:run_id>/", views.run, name="run"),
    path("runs/<int:run_id>/progress/", views.progress, name="progress"),
    path("rules/", views.rules, name="rules"),
    path("review/", views.review, name="review"),
    path("findings/<int:finding_id>/", views.finding, name="finding"),
    path("findings/<int:finding_id>/accept/", views.decide, {"action": "accept"}, name="accept"),
    path("findings/<int:finding_id>/reject/", views.decide, {"action": "reject"}, name="reject"),
    path("findings/<int:finding_id>/ignore/", views.decide, {"action": "ignore"}, name="ignore"),
    path("findings/<int:finding_id>/evidence/", views.evidence, name="evidence"),
    path("findings/<int:finding_id>/evidence/raw/", views.evidence_raw, name="evidence_raw"),
    path("allowlist/", views.allowlist, name="allowlist"),
]
