"""The WhatsApp channel: Meta's Cloud API, through the same intake, conversations and database.

reading.py   webhook bodies -> turns (Contact by wa_id, Event) and statuses
keywords.py  typed words for commands, in every language
webhook.py   Meta's verification, the signature, stored before the 200
receipts.py  statuses on the outbox rows (sent, delivered, read, failed)
api.py       pywa_async: send, upload, errors as the sender's outcomes
render.py    a Reply as Graph API messages, within WhatsApp's limits
runtime.py   the intake's processor, the answers owed, `wijkbot run`'s part
"""
