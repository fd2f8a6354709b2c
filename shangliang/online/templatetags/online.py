"""Where residents find an online room: the unit's public page lists the open rooms of the unit and below it, and a
consultation's public page links its room. Each is one line in the other app's template
({% load online %}{% unit_online_rooms unit %}), so those apps need no code of ours."""

from django import template

from shangliang.online import selectors

register = template.Library()


@register.inclusion_tag("online/_unit_rooms.html")
def unit_online_rooms(unit):
    return {"unit": unit, "rooms": selectors.open_rooms_in(unit)}


@register.inclusion_tag("online/_consultation_room.html")
def consultation_online_room(consultation):
    return {"room": selectors.public_room_of(consultation)}
