from django import template

from core import formatting

register = template.Library()
register.filter("money", formatting.money)
register.filter("grouped", formatting.grouped)
