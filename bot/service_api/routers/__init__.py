"""One router per resource; `app.create_app` includes them all."""
