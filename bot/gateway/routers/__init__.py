"""The gateway's routers, one per file, included by bot.gateway.app."""
