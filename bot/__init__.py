"""办事助手: gateway, settings, reference service API and NLU components."""
