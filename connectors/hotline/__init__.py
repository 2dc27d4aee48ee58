"""12345 hotline agent assist: signed call webhooks in, suggestions and a work-order draft out."""
