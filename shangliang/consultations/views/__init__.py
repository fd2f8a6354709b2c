"""Consultation pages, split by area: main (list, create, detail, steps), participants, research, meeting (schedule,
sign-in, agenda, minutes, opinions, suggestions), take_part (a participant's own pages), results (close, submit,
acknowledge, downloads) and config (county rules and norms). Thin: parse, call a service or selector, render."""
