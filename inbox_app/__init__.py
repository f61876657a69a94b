"""Unisono: a desktop unified agent inbox."""

APP_NAME = "Unisono"
APP_ID = "org.unisono.Inbox"
__version__ = "0.1.0"
