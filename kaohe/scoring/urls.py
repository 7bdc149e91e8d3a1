"""Mounted at /campaigns/<code>/scoring/ (namespace "scoring")."""

from django.urls import path

from . import views

app_name = "scoring"
urlpatterns = [
    path("", views.workspace, name="workspace"),
    path("cell/<int:unit_id>/<int:indicator_id>/", views.cell, name="cell"),
    path("entry/<int:entry_id>/reverse/", views.reverse_entry, name="reverse"),
    path("entry/<int:entry_id>/evidence/", views.evidence, name="evidence"),
    path("bulk/", views.bulk, name="bulk"),
]
