"""URL map: the admin for now; the web platform's pages join here."""

from django.contrib import admin
from django.urls import path

urlpatterns = [
    path("admin/", admin.site.urls),
]
