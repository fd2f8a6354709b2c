"""Views of implementation and evaluation: tasks (inside the app), results (consultations, failures, settings,
downloads) and public (publication, rating, following)."""
