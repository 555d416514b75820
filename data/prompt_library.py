"""The built-in library of discussion prompts, in English and French.

Written for communities of practice in continuing education. Each prompt has a stable
key shared by both languages, so a prompt posted in English counts as posted when the
community later switches to French (nothing repeats until the pool is used up). Keys
must never change once shipped: posted prompts are remembered by key.
"""

from __future__ import annotations

from dataclasses import dataclass

CATEGORIES = ("lessons", "problems", "tools", "news", "newcomers", "practice")


@dataclass(frozen=True)
class LibraryPrompt:
    key: str  # "<category>.<slug>", stable forever
    en: str
    fr: str

    @property
    def category(self) -> str:
        return self.key.split(".", 1)[0]

    def text(self, language: str) -> str:
        if language == "both":  # a bilingual channel: English, then French
            return f"{self.en}\n{self.fr}"
        return self.fr if language == "fr" else self.en


LIBRARY: tuple[LibraryPrompt, ...] = (
    # lessons learned
    LibraryPrompt(
        "lessons.change-this-year",
        "What is one change you made to a course or program this year, and what did it teach you?",
        "Quel changement avez-vous apporté à un cours ou à un programme cette année, "
        "et qu'est-ce qu'il vous a appris ?",
    ),
    LibraryPrompt(
        "newcomers.introduce",
        "New here? Tell us who you are, what you work on, and one thing you hope to get "
        "from this community.",
        "Vous êtes nouveau ou nouvelle ici ? Dites-nous qui vous êtes, sur quoi vous "
        "travaillez et ce que vous espérez retirer de cette communauté.",
    ),
    LibraryPrompt(
        "problems.current-challenge",
        "What is a challenge you are facing right now in your work? Describe it briefly: "
        "others here may have faced something similar.",
        "Quel défi rencontrez-vous en ce moment dans votre travail ? Décrivez-le brièvement : "
        "d'autres ici ont peut-être vécu quelque chose de semblable.",
    ),
    LibraryPrompt(
        "tools.favourite-tool",
        "What tool do you use every week that others here might not know about? "
        "What do you use it for?",
        "Quel outil utilisez-vous chaque semaine que d'autres ici ne connaissent peut-être "
        "pas ? À quoi vous sert-il ?",
    ),
    LibraryPrompt(
        "news.read-recently",
        "What have you read, watched or listened to recently that changed how you think "
        "about adult learning?",
        "Qu'avez-vous lu, regardé ou écouté récemment qui a changé votre façon de voir "
        "l'apprentissage des adultes ?",
    ),
    LibraryPrompt(
        "lessons.failed-activity",
        "Think of a learning activity that fell flat. What happened, and what would you do "
        "differently next time?",
        "Pensez à une activité d'apprentissage qui n'a pas fonctionné. Que s'est-il passé, "
        "et que feriez-vous autrement la prochaine fois ?",
    ),
    LibraryPrompt(
        "problems.keeping-adults-engaged",
        "How do you keep adult learners engaged when work and family compete for their "
        "time? What has actually reduced dropouts for you?",
        "Comment maintenez-vous l'engagement des apprenants adultes quand le travail et la "
        "famille accaparent leur temps ? Qu'est-ce qui a réellement réduit les abandons "
        "chez vous ?",
    ),
    LibraryPrompt(
        "tools.template-share",
        "Share a template you rely on (a course outline, a rubric, a session plan, an email "
        "to learners) and say what makes it work.",
        "Partagez un gabarit sur lequel vous comptez (plan de cours, grille d'évaluation, "
        "plan de séance, courriel aux apprenants) et dites ce qui le rend efficace.",
    ),
    LibraryPrompt(
        "news.trend-watch",
        "Which trend in continuing education are you watching most closely this year, and why?",
        "Quelle tendance de la formation continue suivez-vous de plus près cette année, "
        "et pourquoi ?",
    ),
    LibraryPrompt(
        "newcomers.starter-resource",
        "What is the one resource you would hand to someone just starting out in our field?",
        "Quelle ressource donneriez-vous en premier à une personne qui débute dans notre domaine ?",
    ),
    LibraryPrompt(
        "lessons.learner-feedback",
        "What is the most useful piece of feedback a learner has given you, and what did "
        "you change because of it?",
        "Quelle est la rétroaction la plus utile qu'un apprenant vous ait donnée, et "
        "qu'avez-vous changé grâce à elle ?",
    ),
    LibraryPrompt(
        "problems.mixed-levels",
        "How do you teach a group whose prior knowledge varies a lot? What helps both the "
        "beginners and the experienced?",
        "Comment enseignez-vous à un groupe dont les connaissances préalables sont très "
        "inégales ? Qu'est-ce qui aide à la fois les débutants et les plus expérimentés ?",
    ),
    LibraryPrompt(
        "tools.rubric",
        "What makes a good rubric, in your experience? Share an example if you can.",
        "D'après votre expérience, qu'est-ce qui fait une bonne grille d'évaluation ? "
        "Partagez un exemple si vous le pouvez.",
    ),
    LibraryPrompt(
        "news.conference-idea",
        "Have you attended a conference, webinar or workshop lately? Share one idea worth "
        "bringing back to your team.",
        "Avez-vous assisté récemment à un congrès, à un webinaire ou à un atelier ? Partagez "
        "une idée qui vaut la peine d'être rapportée à votre équipe.",
    ),
    LibraryPrompt(
        "newcomers.how-you-started",
        "How did you end up working in continuing education? Tell us about your path.",
        "Comment en êtes-vous venu à travailler en formation continue ? Racontez-nous votre "
        "parcours.",
    ),
    LibraryPrompt(
        "practice.proud-moment",
        "What is a recent moment in your work that you are proud of?",
        "Quel moment récent de votre travail vous rend fier ou fière ?",
    ),
    LibraryPrompt(
        "lessons.first-year-advice",
        "What do you wish someone had told you in your first year in continuing education?",
        "Qu'auriez-vous aimé qu'on vous dise pendant votre première année en formation continue ?",
    ),
    LibraryPrompt(
        "problems.quiet-forums",
        "Discussion forums where nobody posts: what have you tried to bring them to life, "
        "and what worked?",
        "Des forums de discussion où personne n'écrit : qu'avez-vous essayé pour les animer, "
        "et qu'est-ce qui a fonctionné ?",
    ),
    LibraryPrompt(
        "tools.first-session",
        "How do you plan the first session of a course for adults? Share your checklist or agenda.",
        "Comment planifiez-vous la première séance d'un cours pour adultes ? Partagez votre "
        "liste de vérification ou votre déroulement.",
    ),
    LibraryPrompt(
        "news.policy-change",
        "Is a policy, funding or regulatory change affecting your programs? How are you "
        "preparing for it?",
        "Un changement de politique, de financement ou de réglementation touche-t-il vos "
        "programmes ? Comment vous y préparez-vous ?",
    ),
    LibraryPrompt(
        "newcomers.ask-anything",
        "Newer members: what question have you been hesitating to ask? There are no silly "
        "questions here.",
        "Aux nouveaux membres : quelle question hésitez-vous à poser ? Il n'y a pas de "
        "question bête ici.",
    ),
    LibraryPrompt(
        "practice.try-next",
        "What is one new approach you want to try next term? Has anyone here tried it already?",
        "Quelle nouvelle approche voulez-vous essayer à la prochaine session ? Quelqu'un ici "
        "l'a-t-il déjà essayée ?",
    ),
    LibraryPrompt(
        "lessons.project-look-back",
        "Looking back on a recent project or program launch: what went better than "
        "expected, and what would you plan differently?",
        "En repensant à un projet ou au lancement récent d'un programme : qu'est-ce qui a "
        "mieux fonctionné que prévu, et que planifieriez-vous autrement ?",
    ),
    LibraryPrompt(
        "problems.grading-workload",
        "How do you keep up with grading and feedback when the number of learners grows "
        "faster than your hours?",
        "Comment arrivez-vous à suivre la correction et la rétroaction quand le nombre "
        "d'apprenants augmente plus vite que vos heures ?",
    ),
    LibraryPrompt(
        "tools.needs-analysis",
        "Which questions do you ask when you analyse the training needs of a client or a group?",
        "Quelles questions posez-vous pour analyser les besoins de formation d'un client ou "
        "d'un groupe ?",
    ),
    LibraryPrompt(
        "news.research-worth-reading",
        "Share a study or report about adult learners that you found useful, and what you "
        "took from it.",
        "Partagez une étude ou un rapport sur les apprenants adultes que vous avez trouvé "
        "utile, et ce que vous en avez retenu.",
    ),
    LibraryPrompt(
        "newcomers.glossary",
        "Which term or acronym in our field confused you at first? Let's build a small "
        "glossary for newcomers.",
        "Quel terme ou quel sigle de notre domaine vous a d'abord dérouté ? Bâtissons un "
        "petit glossaire pour les nouveaux membres.",
    ),
    LibraryPrompt(
        "practice.learner-story",
        "Share (without names) a learner's story that reminds you why this work matters.",
        "Racontez (sans donner de noms) l'histoire d'un apprenant qui vous rappelle pourquoi "
        "ce travail compte.",
    ),
    LibraryPrompt(
        "lessons.stopped-doing",
        "What is something you stopped doing in your practice, and why?",
        "Qu'avez-vous cessé de faire dans votre pratique, et pourquoi ?",
    ),
    LibraryPrompt(
        "problems.accessibility-fix",
        "What accessibility barrier did you find in your own materials, and how did you remove it?",
        "Quel obstacle à l'accessibilité avez-vous trouvé dans votre propre matériel, et "
        "comment l'avez-vous éliminé ?",
    ),
    LibraryPrompt(
        "tools.mid-course-feedback",
        "How do you gather feedback from learners during a course, not only at the end? "
        "Which tool or form do you use?",
        "Comment recueillez-vous la rétroaction des apprenants pendant un cours, et pas "
        "seulement à la fin ? Quel outil ou quel formulaire utilisez-vous ?",
    ),
    LibraryPrompt(
        "news.micro-credentials",
        "Micro-credentials, badges, short programs: what is happening at your institution, "
        "and what do learners and employers say about them?",
        "Microcertifications, badges, programmes courts : que se passe-t-il dans votre "
        "établissement, et qu'en disent les apprenants et les employeurs ?",
    ),
    LibraryPrompt(
        "newcomers.offer-help",
        "What could you help a newer colleague with? Name one topic you are happy to be "
        "asked about.",
        "En quoi pourriez-vous aider une ou un collègue arrivé récemment ? Nommez un sujet "
        "sur lequel on peut vous poser des questions.",
    ),
    LibraryPrompt(
        "practice.time-saver",
        "What is your best time-saving habit in course preparation or administration?",
        "Quelle est votre meilleure habitude pour gagner du temps dans la préparation des "
        "cours ou dans l'administration ?",
    ),
    LibraryPrompt(
        "lessons.online-to-classroom",
        "What has teaching or supporting adults online taught you that you now also apply "
        "in the classroom?",
        "Qu'est-ce que l'enseignement ou l'accompagnement d'adultes en ligne vous a appris "
        "que vous appliquez maintenant aussi en classe ?",
    ),
    LibraryPrompt(
        "problems.prior-learning",
        "How do you help learners get credit for what they already know from work and "
        "life? What gets in the way?",
        "Comment aidez-vous les apprenants à faire reconnaître ce qu'ils savent déjà grâce "
        "au travail et à la vie ? Qu'est-ce qui fait obstacle ?",
    ),
    LibraryPrompt(
        "tools.short-video",
        "What is your simplest way of making a short instructional video, from script to upload?",
        "Quelle est votre façon la plus simple de produire une courte vidéo pédagogique, "
        "du scénario à la mise en ligne ?",
    ),
    LibraryPrompt(
        "news.skills-in-demand",
        "Which skills are employers in your region asking for that training does not yet "
        "cover well?",
        "Quelles compétences les employeurs de votre région recherchent-ils que la "
        "formation ne couvre pas encore bien ?",
    ),
    LibraryPrompt(
        "newcomers.meet-someone",
        "Who in this community would you like to meet, and what would you like to talk about?",
        "Qui, dans cette communauté, aimeriez-vous rencontrer, et de quoi aimeriez-vous parler ?",
    ),
    LibraryPrompt(
        "practice.working-with-experts",
        "How do you work with subject-matter experts who are new to teaching adults?",
        "Comment travaillez-vous avec des experts de contenu qui débutent dans "
        "l'enseignement aux adultes ?",
    ),
    LibraryPrompt(
        "lessons.partnership-that-worked",
        "Tell us about a partnership (with an employer, a community group, another "
        "institution) that worked. What made it work?",
        "Parlez-nous d'un partenariat (avec un employeur, un organisme communautaire, un "
        "autre établissement) qui a porté fruit. Qu'est-ce qui l'a fait réussir ?",
    ),
    LibraryPrompt(
        "problems.ai-and-integrity",
        "Generative AI and academic integrity: which policy or assignment design is "
        "working in your courses?",
        "IA générative et intégrité académique : quelle politique ou quelle conception des "
        "travaux fonctionne dans vos cours ?",
    ),
    LibraryPrompt(
        "tools.ai-in-design",
        "Which AI tools, if any, have found a real place in your preparation or design "
        "work? And what do you refuse to use them for?",
        "Quels outils d'IA, s'il y en a, ont trouvé une vraie place dans votre préparation "
        "ou votre travail de conception ? Et pour quoi refusez-vous de les utiliser ?",
    ),
    LibraryPrompt(
        "news.worth-following",
        "Who or what is worth following (a newsletter, a podcast, a network) for people "
        "in our field?",
        "Qui ou quoi vaut la peine d'être suivi (une infolettre, un balado, un réseau) par "
        "les gens de notre domaine ?",
    ),
    LibraryPrompt(
        "practice.avoiding-burnout",
        "How do you avoid burnout during the busiest weeks of the term? Share what helps.",
        "Comment évitez-vous l'épuisement pendant les semaines les plus chargées de la "
        "session ? Partagez ce qui vous aide.",
    ),
    LibraryPrompt(
        "lessons.assessment-surprise",
        "When did an assessment result surprise you, and what did it reveal about your course?",
        "Quand un résultat d'évaluation vous a-t-il surpris, et qu'a-t-il révélé sur votre cours ?",
    ),
    LibraryPrompt(
        "problems.convincing-decision-makers",
        "How do you convince decision-makers to invest in a new program or approach? "
        "Which evidence persuades them?",
        "Comment convainquez-vous les décideurs d'investir dans un nouveau programme ou une "
        "nouvelle approche ? Quelles données les persuadent ?",
    ),
    LibraryPrompt(
        "tools.organising-materials",
        "How do you organise your teaching materials so you can find them again: folders, "
        "a shared drive, a wiki, something else?",
        "Comment organisez-vous votre matériel pédagogique pour le retrouver facilement : "
        "dossiers, lecteur partagé, wiki, autre chose ?",
    ),
    LibraryPrompt(
        "problems.ask-the-community",
        "If this community could help you solve one problem this month, which one would it be?",
        "Si cette communauté pouvait vous aider à résoudre un problème ce mois-ci, lequel "
        "serait-ce ?",
    ),
    LibraryPrompt(
        "practice.community-wish",
        "What should this community do more of in the coming months: meetings, shared "
        "resources, peer feedback, something else?",
        "Que devrait faire davantage cette communauté dans les prochains mois : rencontres, "
        "ressources partagées, rétroaction entre pairs, autre chose ?",
    ),
)

BY_KEY: dict[str, LibraryPrompt] = {prompt.key: prompt for prompt in LIBRARY}
