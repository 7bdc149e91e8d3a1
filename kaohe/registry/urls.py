from django.urls import path

from . import views

app_name = "registry"
urlpatterns = [
    path("units/", views.units, name="units"),
    path("units/contacts.csv", views.contacts_csv, name="contacts_csv"),
    path("units/<int:unit_id>/", views.unit, name="unit"),
    path("units/<int:unit_id>/aliases/add/", views.alias_add, name="alias_add"),
    path(
        "units/<int:unit_id>/aliases/<int:alias_id>/remove/",
        views.alias_remove,
        name="alias_remove",
    ),
    path("units/<int:unit_id>/contacts/add/", views.contact_add, name="contact_add"),
    path(
        "units/<int:unit_id>/contacts/<int:contact_id>/end/",
        views.contact_end,
        name="contact_end",
    ),
    path("units/<int:unit_id>/handovers/add/", views.handover_add, name="handover_add"),
    path(
        "units/<int:unit_id>/handovers/<int:handover_id>/acknowledge/",
        views.handover_acknowledge,
        name="handover_acknowledge",
    ),
]
