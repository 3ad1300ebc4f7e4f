from django.contrib import admin

from tracker import models

for model in (models.Actor, models.Place, models.Agreement, models.Article, models.Event):
    admin.site.register(model)
