"""Demo data for trying the portal: `python manage.py seed_demo` (see seed.py) and demo users."""
