"""Portal URLs, mounted under /campaigns/<code>/ (namespace "portal")."""

from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("units/", views.units, name="units"),
    path("units/<int:unit_id>/", views.unit, name="unit"),
    path("units/<int:unit_id>/entries/<int:entry_id>/appeal/", views.appeal, name="appeal"),
    path("units/<int:unit_id>/entries/<int:entry_id>/rectify/", views.rectify, name="rectify"),
    path(
        "units/<int:unit_id>/entries/<int:entry_id>/evidence/",
        views.entry_evidence,
        name="entry_evidence",
    ),
    path("appeals/", views.appeals, name="appeals"),
    path("appeals/<int:appeal_id>/decide/", views.decide, name="decide"),
    path("appeals/<int:appeal_id>/evidence/", views.appeal_evidence, name="appeal_evidence"),
    path("rectifications/", views.rectifications, name="rectifications"),
    path("rectifications/<int:rect_id>/verify/", views.verify, name="verify"),
    path(
        "rectifications/<int:rect_id>/evidence/",
        views.rectification_evidence,
        name="rectification_evidence",
    ),
    path("disclosure/", views.disclosure, name="disclosure"),
]
