"""Tests of the WhatsApp Cloud API emulator (bot/emulator/whatsapp)."""
