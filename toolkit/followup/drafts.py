"""Message drafts: short, polite e-mails (and notes to self) for each kind of action.

Place in the data flow: called by `rules` to fill `Action.draft`. Pure string templates;
the only place that words a message. Dates are written like "Friday 27 November".
Placeholders the user must fill are in square brackets: [Your name].
"""

from __future__ import annotations

from datetime import date
from typing import Optional

from .models import Entry

SIGN_OFF = "Best regards,\n[Your name]"


def long_date(d: date) -> str:
    """'Friday 27 November' (the year is implied in a message about the coming weeks)."""
    return f"{d:%A} {d.day} {d:%B}"


def _hello(entry: Entry) -> str:
    return f"Hi {entry.contact.first_name}," if entry.contact else "Hello,"


def _mail(subject: str, entry: Entry, *paragraphs: str) -> str:
    to = f"To: {entry.contact.name} <{entry.contact.email}>\n" if entry.contact and entry.contact.email else ""
    body = "\n\n".join(p for p in paragraphs if p)
    return f"{to}Subject: {subject}\n\n{_hello(entry)}\n\n{body}\n\n{SIGN_OFF}"


def thank_you(entry: Entry, interview_date: date, key_point: Optional[str]) -> str:
    """Thank-you after an interview, naming the point discussed when one is given."""
    point = (
        f"I especially enjoyed our conversation about {key_point.rstrip('.')}, and it left me even "
        "more interested in the team's work."
        if key_point
        else "I especially enjoyed our conversation about [a point you discussed]."
    )
    return _mail(
        f"Thank you - {entry.role} interview",
        entry,
        f"Thank you for taking the time to meet with me on {long_date(interview_date)} about the "
        f"{entry.role} role at {entry.company}. {point}",
        "Please let me know if I can provide anything else that would help.",
    )


def status_follow_up(entry: Entry, *, promised_by: Optional[date], last_interview: Optional[date], second: bool) -> str:
    """A polite check-in on the decision (first or second follow-up)."""
    if second:
        opening = (
            f"I wanted to check in once more on the {entry.role} role. I remain very interested "
            f"in joining {entry.company}."
        )
    elif promised_by is not None:
        opening = (
            f"You mentioned you hoped to have an update on the {entry.role} role by "
            f"{long_date(promised_by)}, so I wanted to follow up. I remain very interested in joining {entry.company}."
        )
    elif last_interview is not None:
        opening = (
            f"I wanted to follow up on my interview for the {entry.role} role on "
            f"{long_date(last_interview)}. I remain very interested in joining {entry.company}."
        )
    else:
        opening = f"I wanted to follow up on my application for the {entry.role} role at {entry.company}."
    return _mail(
        f"Following up - {entry.role}",
        entry,
        opening,
        "Is there an update on the timeline, or anything else I can provide?",
    )


def feedback_request(entry: Entry) -> str:
    """After a rejection: thanks, and a request for brief feedback."""
    return _mail(
        f"Thank you - {entry.role}",
        entry,
        f"Thank you for letting me know about the {entry.role} role, and for the time you and the "
        f"team spent with me. I enjoyed learning about {entry.company}.",
        "If you have a moment, I would be grateful for any brief feedback on how I could have been "
        "a stronger candidate. I would also be glad to be considered for future openings.",
    )


def extension_request(entry: Entry, deadline: date, *, other_company: Optional[str] = None) -> str:
    """Asking for more time to decide on an offer."""
    why = (
        "I am completing another process that I committed to before receiving your offer"
        if other_company
        else "I want to give a decision of this importance the consideration it deserves"
    )
    return _mail(
        f"{entry.role} offer - request for a few more days",
        entry,
        f"Thank you again for the offer for the {entry.role} role. I am excited about it and about {entry.company}.",
        f"The current deadline is {long_date(deadline)}. {why}, so may I have until "
        "[proposed date] to give you my answer?",
        "I appreciate your understanding and will keep you posted.",
    )


def deadline_note(entry: Entry, deadline: date) -> str:
    """A note to self before an offer deadline."""
    return (
        f"Note to self: the {entry.company} offer ({entry.role}) expires on {long_date(deadline)}.\n"
        "- Compare it with the other offers (offer-toolkit compare) and list open questions.\n"
        "- Decide whether to accept, negotiate or ask for an extension, and answer before the deadline."
    )


def offer_still_open(entry: Entry, deadline: date) -> str:
    """After an offer deadline passed unanswered: ask whether the offer still stands."""
    return _mail(
        f"{entry.role} offer - is it still open?",
        entry,
        f"Thank you again for the offer for the {entry.role} role at {entry.company}. I realise the "
        f"deadline of {long_date(deadline)} has passed without my answer, and I apologise for that.",
        "I remain very interested. Is the offer still open, and if so, by when would you need my decision?",
        "Thank you for your understanding.",
    )


def ask_deadline(entry: Entry) -> str:
    """An offer with no deadline recorded: ask for the decision date and the offer in writing."""
    return _mail(
        f"{entry.role} offer - next steps",
        entry,
        f"Thank you again for the offer for the {entry.role} role at {entry.company}; I'm excited about it.",
        "Could you send me the offer in writing, and let me know by when you would need my decision?",
        "Thank you, and I look forward to hearing from you.",
    )


def brief_referees(entry: Entry) -> str:
    """A note to self (and a template) for briefing referees."""
    return (
        f"Note to self: {entry.company} is checking references for the {entry.role} role.\n"
        "Send each referee a short note:\n\n"
        f"Hi [referee], {entry.company} may contact you soon about the {entry.role} role. "
        "The role focuses on [main responsibilities]; it would help if you could mention "
        "[a project you worked on together]. Thank you for your support!"
    )


def move_on(entry: Entry, contacts: int) -> str:
    """After the follow-ups went unanswered: a note to self and a short closing message."""
    times = "once" if contacts == 1 else f"{contacts} times"
    return _mail(
        f"{entry.role} - closing the loop",
        entry,
        f"Note to self: no answer after following up {times}; mark the {entry.company} process as "
        "closed and put the time into other applications. Optional last message:",
        f"I have not heard back about the {entry.role} role, so I will assume the team has moved "
        "forward with other candidates. Thank you for your time; I would be glad to stay in touch.",
    )


def keep_applying(active: int, minimum: int) -> str:
    """A note to self when too few processes are active."""
    return (
        f"Note to self: only {active} active process{'es' if active != 1 else ''} (target: at least {minimum}). "
        "Send new applications and ask your network for referrals this week, so that an answer "
        "from one company never leaves you without options."
    )
