"""The gettext catalogs (``bpubot.pot`` and ``<lang>/LC_MESSAGES/bpubot.po``), shipped as package
data so that an installed bot finds them; ``bot.i18n`` reads them with ``importlib.resources``."""
