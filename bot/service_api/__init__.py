"""Reference implementation of the province's service APIs.

Halls and slots, appointments, case status and legal check-up requests. `create_app` lives in
`bot.service_api.app`; `python -m bot.service_api` serves, seeds and writes the OpenAPI contract.
"""
