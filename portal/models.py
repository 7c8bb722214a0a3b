"""The portal app has no tables; this module exists so that post_migrate reaches it (roles sync)."""
