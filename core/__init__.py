"""The shared core every process uses: text normalisation, formats, validation, masking, time.

It imports no app (gateway, service API, action server, review tools, Rasa) and no pydantic, so
both environments, the Rasa one on Python 3.10 and the application one, load the same code.
Its only libraries are OpenCC and python-stdnum.
"""
