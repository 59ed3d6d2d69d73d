from django import forms
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Exists, OuterRef

from imuran_info.forms import AccessibleErrorsMixin, HoneypotMixin
from stories.models import SideEffect, Story, StoryReport, side_effect_tags

STORY_MIN_LENGTH = 100
STORY_MAX_LENGTH = 5000


class PlainTextField(forms.CharField):
    def to_python(self, value):
        # Browsers count a line break as one character and send it as two ("\r\n").
        # Normalise first, so the limit means what the live count showed.
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n")

    def run_validators(self, value):
        # "It has 5,999", written as the limit beside it is: numbers in messages get separators.
        try:
            super().run_validators(value)
        except ValidationError as error:
            for each in error.error_list:
                if each.params:
                    each.params = {name: f"{n:,}" if isinstance(n, int) else n for name, n in each.params.items()}
            raise


def rating_field(label):
    return forms.TypedChoiceField(
        label=label,
        choices=Story.RATING_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )


class PlainMessagesMixin:
    """Plain-English messages for the errors Django words technically."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages.setdefault(
                "null_characters_not_allowed",
                "Remove the hidden control character (a null byte) from this text, or type it again.",
            )
            if isinstance(field, forms.ChoiceField | forms.ModelMultipleChoiceField):
                field.error_messages["invalid_choice"] = "Choose one of the options listed."
                field.error_messages["invalid_pk_value"] = "Choose one of the options listed."


class SideEffectsField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        # Ids are looked up in the database: a value no column can hold would fail
        # there (an overflow), not here. Refuse it like any unknown choice.
        for pk in value if isinstance(value, list | tuple) else [value]:
            if not (str(pk).isascii() and str(pk).isdigit()) or int(pk) >= 2**63:
                raise ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value")
        return super()._check_values(value)


class StoryForm(PlainMessagesMixin, AccessibleErrorsMixin, HoneypotMixin, forms.ModelForm):
    text = PlainTextField(
        label="Your story",
        min_length=STORY_MIN_LENGTH,
        max_length=STORY_MAX_LENGTH,
        help_text="Between 100 and 5,000 characters (about 20 to 800 words). "
        "Please leave out names, contact details and doses.",
        widget=forms.Textarea(attrs={"rows": 14, "data-min-length": STORY_MIN_LENGTH}),
        error_messages={
            "required": "Enter your story.",
            "min_length": "Your story must be at least 100 characters. It has %(show_value)s.",
            "max_length": "Your story must be 5,000 characters or fewer. It has %(show_value)s.",
        },
    )
    helped_rating = rating_field("Did Imuran help?")
    ease_rating = rating_field("How easy was it to live with?")
    overall_rating = rating_field("Overall, how would you rate it?")
    side_effects = SideEffectsField(
        label="Side effects you had",
        queryset=SideEffect.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    consent_age = forms.BooleanField(
        label="I am 16 or over",
        error_messages={"required": "Confirm that you are 16 or over."},
    )
    consent_own = forms.BooleanField(
        label="This is my own experience, or I care for the person it is about and they agree to me sharing it",
        error_messages={"required": "Confirm that this is your own experience, or shared with agreement."},
    )
    consent_publish = forms.BooleanField(
        label="I agree to my story being published under the story guidelines and the privacy notice",
        error_messages={"required": "Agree to the story guidelines and privacy notice to send your story."},
    )

    class Meta:
        model = Story
        fields = [
            "text",
            "title",
            "display_name",
            "role",
            "age_band",
            "condition",
            "time_on_imuran",
            "time_to_help",
            "side_effects",
            "helped_rating",
            "ease_rating",
            "overall_rating",
            "email",
        ]
        labels = {
            "title": "A short title",
            "display_name": "The name to show",
            "role": "Who are you?",
            "age_band": "Age of the person who takes Imuran",
            "condition": "What is Imuran treating?",
            "time_on_imuran": "How long has Imuran been taken?",
            "time_to_help": "If Imuran helped, how long did it take to notice?",
            "email": "Your e-mail address",
        }
        help_texts = {
            "title": "For example: \u201cMy first year with Crohn\u2019s\u201d.",
            "time_to_help": "From starting Imuran to feeling a difference.",
            "display_name": "A first name or a made-up name. Leave it empty to appear as \u201cAnonymous\u201d.",
            "email": "Only to tell you whether your story is published. Never shown, never shared, "
            "deleted once we have told you.",
        }
        widgets = {"role": forms.RadioSelect}
        error_messages = {
            "title": {"max_length": "Your title must be 120 characters or fewer."},
            "display_name": {"max_length": "The name must be 50 characters or fewer."},
            "email": {"invalid": "Enter an e-mail address like name@example.com, or leave it empty."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # No maxlength: a browser would silently cut a pasted story; the server explains instead.
        self.fields["text"].widget.attrs.pop("maxlength", None)
        self.fields["text"].widget.attrs["data-max-length"] = STORY_MAX_LENGTH
        self.fields["display_name"].initial = ""
        self.fields["display_name"].required = False
        self.fields["role"].choices = Story.Role.choices
        for name in ["age_band", "condition", "time_on_imuran", "time_to_help"]:
            self.fields[name].choices = [("", "Prefer not to say"), *Story._meta.get_field(name).choices]
        # The boxes come from this process's copy of the tags, so the form can be shown
        # again, with everything the person typed, even while the database is out of reach.
        try:
            tags = side_effect_tags()
        except DatabaseError:
            tags = ()  # a process that never saw them: the form comes back without the boxes
        self.fields["side_effects"].choices = [(pk, name) for pk, _, name in tags]

    @classmethod
    def as_sent(cls, data):
        """An unchecked form holding what was sent: shown again when it could not be saved."""
        multiple = {"side_effects"}
        return cls(initial={name: data.getlist(name) if name in multiple else data.get(name) for name in data})

    def clean_display_name(self):
        return self.cleaned_data["display_name"].strip() or "Anonymous"

    @transaction.atomic
    def save(self, *, client_hash):
        story = super().save(commit=False)
        story.submit(client=client_hash)
        self.save_m2m()
        return story


class StoryFilterForm(AccessibleErrorsMixin, forms.Form):
    condition = forms.ChoiceField(
        label="Condition",
        required=False,
        error_messages={"invalid_choice": "We have no stories under that condition. Choose one from the list."},
    )
    side_effect = forms.ChoiceField(
        label="Side effect",
        required=False,
        error_messages={"invalid_choice": "We have no stories under that side effect. Choose one from the list."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        tags = side_effect_tags()
        self.side_effect_ids = {slug: pk for pk, slug, _ in tags}
        self.fields["condition"].choices = [("", "Any condition"), *Story.Condition.choices]
        self.fields["side_effect"].choices = [("", "Any side effect"), *((slug, name) for _, slug, name in tags)]

    def filter(self, stories):
        """The stories that match the valid filters (call is_valid() first)."""
        side_effect = self.cleaned_data.get("side_effect")
        return filtered(stories, self.cleaned_data.get("condition"), self.side_effect_ids.get(side_effect))


def filtered(stories, condition, side_effect_id):
    """The stories under `condition` (a value of Story.Condition) with the side-effect tag `side_effect_id`.

    Either may be empty: that filter is then not applied.
    """
    if condition:
        stories = stories.filter(condition=condition)
    if side_effect_id:
        # EXISTS on the link table's (story, tag) index, rather than a join that
        # the database would have to sort again to keep the newest-first order.
        links = Story.side_effects.through.objects.filter(story_id=OuterRef("pk"), sideeffect_id=side_effect_id)
        stories = stories.filter(Exists(links))
    return stories


class ReportForm(PlainMessagesMixin, AccessibleErrorsMixin, HoneypotMixin, forms.Form):
    reason = forms.ChoiceField(
        label="What is wrong with this story?",
        choices=StoryReport.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what is wrong with this story."},
    )
    note = PlainTextField(
        label="Tell us more",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Up to 1,000 characters. Please do not include your own contact details.",
        error_messages={"max_length": "Your note must be 1,000 characters or fewer. It has %(show_value)s."},
    )


class RejectForm(forms.Form):
    reason = forms.ChoiceField(label="Reason", choices=Story.RejectReason.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label="Note for moderators",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Optional. Never sent to the author.",
    )
