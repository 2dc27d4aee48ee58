"""WeChat official-account connector: protocol, rendering, platform API and the turn handler."""
