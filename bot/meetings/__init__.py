"""Meetings: scheduling, RSVPs, reminders, calendars and platform events."""
