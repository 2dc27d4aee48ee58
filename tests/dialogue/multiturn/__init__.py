"""Multi-turn dialogue evaluation: whole conversations played against the running assistant.

`test.yml` is the reported set, `dev.yml` the development set (same kind, different content);
`runner.py` loads them, plays every dialogue through the REST channel and checks each reply.
"""
