"""The built-in library of discussion prompts, in English; other languages translate them
in their catalogs like every other text (``LibraryPrompt:2`` in ``make catalogs``).

Written for communities of practice in continuing education. Each prompt has a stable
key shared by both languages, so a prompt posted in English counts as posted when the
community later switches to French (nothing repeats until the pool is used up). Keys
must never change once shipped: posted prompts are remembered by key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class Translator(Protocol):
    """What ``bot.kernel.i18n.Translator`` offers here (data/ imports nothing of ours)."""

    def __call__(self, msgid: str, /, **values: object) -> str: ...


CATEGORIES = ("lessons", "problems", "tools", "news", "newcomers", "practice")


@dataclass(frozen=True)
class LibraryPrompt:
    key: str  # "<category>.<slug>", stable forever
    en: str

    @property
    def category(self) -> str:
        return self.key.split(".", 1)[0]

    def text(self, tr: Translator) -> str:
        """The prompt in the reader's language (its catalog's, else the English)."""
        return tr(self.en)


LIBRARY: tuple[LibraryPrompt, ...] = (
    # lessons learned
    LibraryPrompt(
        "lessons.change-this-year",
        "What is one change you made to a course or program this year, and what did it teach you?",
    ),
    LibraryPrompt(
        "newcomers.introduce",
        "New here? Tell us who you are, what you work on, and one thing you hope to get "
        "from this community.",
    ),
    LibraryPrompt(
        "problems.current-challenge",
        "What is a challenge you are facing right now in your work? Describe it briefly: "
        "others here may have faced something similar.",
    ),
    LibraryPrompt(
        "tools.favourite-tool",
        "What tool do you use every week that others here might not know about? "
        "What do you use it for?",
    ),
    LibraryPrompt(
        "news.read-recently",
        "What have you read, watched or listened to recently that changed how you think "
        "about adult learning?",
    ),
    LibraryPrompt(
        "lessons.failed-activity",
        "Think of a learning activity that fell flat. What happened, and what would you do "
        "differently next time?",
    ),
    LibraryPrompt(
        "problems.keeping-adults-engaged",
        "How do you keep adult learners engaged when work and family compete for their "
        "time? What has actually reduced dropouts for you?",
    ),
    LibraryPrompt(
        "tools.template-share",
        "Share a template you rely on (a course outline, a rubric, a session plan, an email "
        "to learners) and say what makes it work.",
    ),
    LibraryPrompt(
        "news.trend-watch",
        "Which trend in continuing education are you watching most closely this year, and why?",
    ),
    LibraryPrompt(
        "newcomers.starter-resource",
        "What is the one resource you would hand to someone just starting out in our field?",
    ),
    LibraryPrompt(
        "lessons.learner-feedback",
        "What is the most useful piece of feedback a learner has given you, and what did "
        "you change because of it?",
    ),
    LibraryPrompt(
        "problems.mixed-levels",
        "How do you teach a group whose prior knowledge varies a lot? What helps both the "
        "beginners and the experienced?",
    ),
    LibraryPrompt(
        "tools.rubric",
        "What makes a good rubric, in your experience? Share an example if you can.",
    ),
    LibraryPrompt(
        "news.conference-idea",
        "Have you attended a conference, webinar or workshop lately? Share one idea worth "
        "bringing back to your team.",
    ),
    LibraryPrompt(
        "newcomers.how-you-started",
        "How did you end up working in continuing education? Tell us about your path.",
    ),
    LibraryPrompt(
        "practice.proud-moment",
        "What is a recent moment in your work that you are proud of?",
    ),
    LibraryPrompt(
        "lessons.first-year-advice",
        "What do you wish someone had told you in your first year in continuing education?",
    ),
    LibraryPrompt(
        "problems.quiet-forums",
        "Discussion forums where nobody posts: what have you tried to bring them to life, "
        "and what worked?",
    ),
    LibraryPrompt(
        "tools.first-session",
        "How do you plan the first session of a course for adults? Share your checklist or agenda.",
    ),
    LibraryPrompt(
        "news.policy-change",
        "Is a policy, funding or regulatory change affecting your programs? How are you "
        "preparing for it?",
    ),
    LibraryPrompt(
        "newcomers.ask-anything",
        "Newer members: what question have you been hesitating to ask? There are no silly "
        "questions here.",
    ),
    LibraryPrompt(
        "practice.try-next",
        "What is one new approach you want to try next term? Has anyone here tried it already?",
    ),
    LibraryPrompt(
        "lessons.project-look-back",
        "Looking back on a recent project or program launch: what went better than "
        "expected, and what would you plan differently?",
    ),
    LibraryPrompt(
        "problems.grading-workload",
        "How do you keep up with grading and feedback when the number of learners grows "
        "faster than your hours?",
    ),
    LibraryPrompt(
        "tools.needs-analysis",
        "Which questions do you ask when you analyse the training needs of a client or a group?",
    ),
    LibraryPrompt(
        "news.research-worth-reading",
        "Share a study or report about adult learners that you found useful, and what you "
        "took from it.",
    ),
    LibraryPrompt(
        "newcomers.glossary",
        "Which term or acronym in our field confused you at first? Let's build a small "
        "glossary for newcomers.",
    ),
    LibraryPrompt(
        "practice.learner-story",
        "Share (without names) a learner's story that reminds you why this work matters.",
    ),
    LibraryPrompt(
        "lessons.stopped-doing",
        "What is something you stopped doing in your practice, and why?",
    ),
    LibraryPrompt(
        "problems.accessibility-fix",
        "What accessibility barrier did you find in your own materials, and how did you remove it?",
    ),
    LibraryPrompt(
        "tools.mid-course-feedback",
        "How do you gather feedback from learners during a course, not only at the end? "
        "Which tool or form do you use?",
    ),
    LibraryPrompt(
        "news.micro-credentials",
        "Micro-credentials, badges, short programs: what is happening at your institution, "
        "and what do learners and employers say about them?",
    ),
    LibraryPrompt(
        "newcomers.offer-help",
        "What could you help a newer colleague with? Name one topic you are happy to be "
        "asked about.",
    ),
    LibraryPrompt(
        "practice.time-saver",
        "What is your best time-saving habit in course preparation or administration?",
    ),
    LibraryPrompt(
        "lessons.online-to-classroom",
        "What has teaching or supporting adults online taught you that you now also apply "
        "in the classroom?",
    ),
    LibraryPrompt(
        "problems.prior-learning",
        "How do you help learners get credit for what they already know from work and "
        "life? What gets in the way?",
    ),
    LibraryPrompt(
        "tools.short-video",
        "What is your simplest way of making a short instructional video, from script to upload?",
    ),
    LibraryPrompt(
        "news.skills-in-demand",
        "Which skills are employers in your region asking for that training does not yet "
        "cover well?",
    ),
    LibraryPrompt(
        "newcomers.meet-someone",
        "Who in this community would you like to meet, and what would you like to talk about?",
    ),
    LibraryPrompt(
        "practice.working-with-experts",
        "How do you work with subject-matter experts who are new to teaching adults?",
    ),
    LibraryPrompt(
        "lessons.partnership-that-worked",
        "Tell us about a partnership (with an employer, a community group, another "
        "institution) that worked. What made it work?",
    ),
    LibraryPrompt(
        "problems.ai-and-integrity",
        "Generative AI and academic integrity: which policy or assignment design is "
        "working in your courses?",
    ),
    LibraryPrompt(
        "tools.ai-in-design",
        "Which AI tools, if any, have found a real place in your preparation or design "
        "work? And what do you refuse to use them for?",
    ),
    LibraryPrompt(
        "news.worth-following",
        "Who or what is worth following (a newsletter, a podcast, a network) for people "
        "in our field?",
    ),
    LibraryPrompt(
        "practice.avoiding-burnout",
        "How do you avoid burnout during the busiest weeks of the term? Share what helps.",
    ),
    LibraryPrompt(
        "lessons.assessment-surprise",
        "When did an assessment result surprise you, and what did it reveal about your course?",
    ),
    LibraryPrompt(
        "problems.convincing-decision-makers",
        "How do you convince decision-makers to invest in a new program or approach? "
        "Which evidence persuades them?",
    ),
    LibraryPrompt(
        "tools.organising-materials",
        "How do you organise your teaching materials so you can find them again: folders, "
        "a shared drive, a wiki, something else?",
    ),
    LibraryPrompt(
        "problems.ask-the-community",
        "If this community could help you solve one problem this month, which one would it be?",
    ),
    LibraryPrompt(
        "practice.community-wish",
        "What should this community do more of in the coming months: meetings, shared "
        "resources, peer feedback, something else?",
    ),
)

BY_KEY: dict[str, LibraryPrompt] = {prompt.key: prompt for prompt in LIBRARY}
