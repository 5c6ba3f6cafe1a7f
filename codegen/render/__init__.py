"""Rendering: pygments sits behind this package; nothing else imports it."""
