"""Channel connectors of the gateway (WeChat, 12345 hotline, web) and the Rasa channel they share.

Nothing here imports Rasa except `connectors.channel`, which runs inside the Rasa server.
"""
