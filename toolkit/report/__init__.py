"""Presentation: formatting numbers, text/JSON/CSV renderers, the Excel report and charts."""
