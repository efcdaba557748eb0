"""The WhatsApp channel (Meta's Cloud API): webhook checks and parsing, rendering within
WhatsApp's limits, a client, and templates for the 24-hour rule. See docs/whatsapp.md."""
