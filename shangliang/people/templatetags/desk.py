from django import template

from shangliang.people.desk import menu_for

register = template.Library()


@register.simple_tag
def desk_menu(user):
    """The menu entries the person can use, each with what waits under it (people.desk)."""
    return menu_for(user)
