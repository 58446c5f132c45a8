"""The WhatsApp Cloud API adapter."""
