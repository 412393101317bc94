import datetime

import factory

from dairy_campaign.choices import AgencyKind
from inspections.models import (
    AnswerType,
    Assignment,
    AssignmentSource,
    ChecklistTemplate,
    Inspection,
    TemplateItem,
    TemplateSection,
    TemplateStatus,
)

from ..factories import place


class TemplateFactory(factory.django.DjangoModelFactory):
    """A small published catering checklist (S4) with one item of every answer type."""

    class Meta:
        model = ChecklistTemplate
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"test-catering-{n}")
    version = 1
    name = "餐饮单位乳制品检查表"
    operator_kinds = ["catering"]
    owner_kind = AgencyKind.FDA
    rules = "S4"
    status = TemplateStatus.PUBLISHED

    @factory.post_generation
    def items(obj, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        section = TemplateSection.objects.create(template=obj, order=1, title="索证索票与来源")
        specs = [
            ("certificates_kept", "索证索票齐全", AnswerType.YES_NO, {"note_on_no": True}),
            ("no_expired_dairy", "无过期乳制品", AnswerType.YES_NO, {"note_on_no": True, "photo_on_no": True}),
            ("dairy_kinds", "在用乳制品品种数", AnswerType.NUMBER, {"unit": "种"}),
            ("storage", "贮存条件", AnswerType.CHOICE, {"choices": ["良好", "一般", "差"]}),
            ("remarks", "其他情况", AnswerType.TEXT, {"required": False}),
            ("storage_photo", "贮存场所照片", AnswerType.PHOTO, {"required": False}),
        ]
        for order, (code, text, kind, extra) in enumerate(specs, start=1):
            TemplateItem.objects.create(section=section, order=order, code=code, text=text, answer_type=kind, **extra)


GOOD_ANSWERS = {
    "certificates_kept": {"value": "yes"},
    "no_expired_dairy": {"value": "yes"},
    "dairy_kinds": {"value": "3"},
    "storage": {"value": "良好"},
}


class InspectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inspection

    template = factory.SubFactory(TemplateFactory)
    inspector = None  # set by the caller
    agency = factory.LazyAttribute(lambda o: o.inspector.agency)
    operator = None
    jurisdiction = factory.LazyAttribute(lambda o: o.operator.county if o.operator else place("320115"))
    inspected_on = factory.LazyFunction(lambda: datetime.date(2026, 11, 20))


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    inspector = None  # set by the caller
    assigned_by = factory.LazyAttribute(lambda o: o.inspector)
    agency = factory.LazyAttribute(lambda o: o.inspector.agency)
    operator = None
    jurisdiction = factory.LazyAttribute(lambda o: o.operator.county if o.operator else place("320115"))
    template_code = "catering"
    due_on = factory.LazyFunction(lambda: datetime.date(2026, 12, 10))
    source = AssignmentSource.MANUAL
