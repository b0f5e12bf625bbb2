"""The fixed rating scales of the evaluation (one home: forms, API, PDF, reports read them here)."""

from __future__ import annotations

from dataclasses import dataclass

# The number of days an evaluation stays open after the placement ends, and the reminder days.
WINDOW_DAYS = 14
REMINDER_DAYS = (3, 10)
# Reviews of an organization are shown from this many on (never fewer: anonymity).
MIN_REVIEWS = 3

RATINGS = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class Criterion:
    key: str
    label: str
    levels: tuple[str, str, str, str, str]  # the descriptor of 1 … 5

    def descriptor(self, value: int | None) -> str:
        return self.levels[value - 1] if value in RATINGS else ""


# The intern's skills: the supervisor rates them, the intern rates themselves on the same scale.
SKILLS: tuple[Criterion, ...] = (
    Criterion(
        "communication",
        "Communication",
        (
            "Rarely kept others informed",
            "Informed others when asked",
            "Clear and timely updates",
            "Proactive, concise and well-written",
            "Exemplary: others relied on their updates",
        ),
    ),
    Criterion(
        "quality",
        "Quality of work",
        (
            "Work needed redoing",
            "Acceptable with many corrections",
            "Met the brief",
            "Above the brief, few corrections",
            "Outstanding, ready to ship",
        ),
    ),
    Criterion(
        "reliability",
        "Reliability",
        (
            "Missed most commitments",
            "Missed some commitments",
            "Kept commitments",
            "Kept commitments and flagged risks early",
            "Fully dependable",
        ),
    ),
    Criterion(
        "initiative",
        "Initiative",
        (
            "Waited to be told",
            "Acted when prompted",
            "Took up next steps on their own",
            "Proposed improvements",
            "Drove work forward independently",
        ),
    ),
    Criterion(
        "remote",
        "Remote collaboration",
        (
            "Hard to reach or coordinate with",
            "Reachable with effort",
            "Worked well across the distance",
            "Made remote work smooth for others",
            "A model of remote collaboration",
        ),
    ),
)

# The intern's review of the organization.
EMPLOYER_CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        "supervision",
        "Supervision",
        ("Absent", "Occasional", "Adequate", "Attentive", "Excellent mentoring"),
    ),
    Criterion(
        "feedback",
        "Feedback",
        ("None", "Rare or vague", "Regular enough", "Regular and useful", "Prompt, specific and kind"),
    ),
    Criterion(
        "clarity",
        "Clarity of the brief",
        ("Unclear throughout", "Often unclear", "Mostly clear", "Clear", "Crystal clear with examples"),
    ),
    Criterion(
        "learning",
        "Learning",
        ("Learned nothing", "Learned a little", "Learned useful things", "Learned a lot", "Transformative"),
    ),
)

SKILL_KEYS = tuple(c.key for c in SKILLS)
EMPLOYER_KEYS = tuple(c.key for c in EMPLOYER_CRITERIA)
