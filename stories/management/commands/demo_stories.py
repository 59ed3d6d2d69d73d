"""Fill the moderation queue with realistic sample stories, for trying the site out in development."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from stories.models import SideEffect, Story

# (title, display name, role, condition, time on Imuran, how long it took to help, side-effect slugs, text).
# Some break the guidelines on purpose, so the screening flags have something to show.
SAMPLES = [
    (
        "Slow start, then it worked",
        "Sam",
        Story.Role.PATIENT,
        Story.Condition.CROHNS_DISEASE,
        Story.TimeOnImuran.UNDER_5_YEARS,
        Story.TimeToHelp.UNDER_6_MONTHS,
        ["nausea", "tiredness"],
        "I was told it could take three months to work, and it really did. For the first few weeks I felt sick "
        "most mornings. Taking it after food in the evening helped a lot.\n\nMy blood tests were weekly at first, "
        "which felt like a lot, but the nurses were kind. After about four months I had fewer flare-ups. Two years "
        "on, I still take it and I am back at work full time.",
    ),
    (
        "Not for me",
        "Anonymous",
        Story.Role.PATIENT,
        Story.Condition.RHEUMATOID_ARTHRITIS,
        Story.TimeOnImuran.UNDER_3_MONTHS,
        Story.TimeToHelp.NOT_YET,
        ["nausea", "liver-problems"],
        "My liver tests went up after six weeks, so my rheumatologist stopped it and we tried something else. "
        "I was disappointed, but I am glad the blood tests caught it early. If you are starting, go to every "
        "blood test, even when you feel fine.",
    ),
    (
        "Looking after my son",
        "A mum",
        Story.Role.CARER,
        Story.Condition.ULCERATIVE_COLITIS,
        Story.TimeOnImuran.UNDER_1_YEAR,
        Story.TimeToHelp.NOT_SURE,
        ["infections"],
        "My son started azathioprine at 14. He caught every cold going that first winter, so now we are careful "
        "about hand washing and he has his flu jab every autumn. The best part is that he is back playing "
        "football. Ring me on 07700 900123 if you want to talk about it.",
    ),
    (
        "My dose",
        "Priya",
        Story.Role.PATIENT,
        Story.Condition.LUPUS,
        Story.TimeOnImuran.OVER_5_YEARS,
        "",
        ["hair-thinning", "skin-or-sun-sensitivity"],
        "I take 150 mg every day, which is two tablets a day, and I think everyone should start on that. My hair "
        "thinned a little in the first year. I wear a hat and high-factor sun cream all year round now.",
    ),
    (
        "",
        "J.",
        Story.Role.PATIENT,
        Story.Condition.AUTOIMMUNE_HEPATITIS,
        Story.TimeOnImuran.UNDER_1_YEAR,
        "",
        ["tiredness"],
        "This week I have had a fever and a sore throat, and I noticed some bruising on my legs that I cannot "
        "explain. I am not sure if it is the medicine. Otherwise it has been going well and my liver numbers "
        "are much better than they were last spring.",
    ),
    (
        "Ten years after my transplant",
        "Mike",
        Story.Role.PATIENT,
        Story.Condition.ORGAN_TRANSPLANT,
        Story.TimeOnImuran.OVER_5_YEARS,
        "",
        ["none"],
        "I have taken azathioprine since my kidney transplant. I hardly notice it now. I see the dermatologist "
        "once a year to check my skin, and I never skip my blood tests. More at www.example.com/my-blog, where "
        "I write about transplant life.",
    ),
]


class Command(BaseCommand):
    help = "Development only: add sample stories to the moderation queue (needs DJANGO_DEBUG=true)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            # Sample stories on a live site would be published as if real patients wrote them.
            raise CommandError("demo_stories only runs in development, with DJANGO_DEBUG=true.")
        effects = {effect.slug: effect for effect in SideEffect.objects.all()}
        created = 0
        for title, name, role, condition, time_on_imuran, time_to_help, slugs, text in SAMPLES:
            if Story.objects.filter(original_text=text).exists():
                continue
            story = Story(
                title=title,
                text=text,
                display_name=name,
                role=role,
                condition=condition,
                time_on_imuran=time_on_imuran,
                time_to_help=time_to_help,
            )
            # Through the share form's own step: screened, counted in the queue, like a real story.
            story.submit(client="demo")
            story.side_effects.set([effects[slug] for slug in slugs if slug in effects])
            created += 1
        self.stdout.write(
            f"Added {created} sample stories to the moderation queue; {len(SAMPLES) - created} were there already."
        )
