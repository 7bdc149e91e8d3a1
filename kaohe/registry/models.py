"""The unit registry: who is assessed, under which category, and every name they go by.

Notices and spreadsheets name the same unit in several ways (住建局, 住房和城乡建设局, 县住建局).
Aliases are matched exactly — a fuzzy match could silently credit one unit's score to another.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models


class Category(models.Model):
    """A kind of unit (乡镇场, 县直部门, 园区 …): ranking, grading and addressees go by category."""

    code = models.SlugField("代码", unique=True)
    name = models.CharField("名称", max_length=50, unique=True)
    addressee = models.CharField(
        "主送写法",
        max_length=100,
        blank=True,
        help_text="通报主送机关中的写法，如“各乡镇人民政府、场管委”；留空则逐一列出单位全称。",
    )
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = verbose_name_plural = "单位类别"

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """An assessed unit or a lead agency (lead agencies are units too)."""

    name = models.CharField("全称", max_length=100, unique=True)
    short_name = models.CharField("简称", max_length=50, blank=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, verbose_name="类别")
    sort_order = models.PositiveIntegerField("排序", default=0)
    active_from = models.PositiveIntegerField("起始年度", null=True, blank=True)
    active_to = models.PositiveIntegerField("终止年度", null=True, blank=True)

    class Meta:
        ordering = ["category__sort_order", "sort_order", "id"]
        verbose_name = verbose_name_plural = "单位"

    def __str__(self) -> str:
        return self.short_name or self.name

    def is_active_in(self, year: int) -> bool:
        return (self.active_from or year) <= year <= (self.active_to or year)


class UnitAlias(models.Model):
    """Another exact name of a unit; unique across all units so resolution is never ambiguous."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="aliases")
    alias = models.CharField("别名", max_length=100, unique=True)

    class Meta:
        verbose_name = verbose_name_plural = "单位别名"

    def __str__(self) -> str:
        return self.alias


class Duty(models.TextChoices):
    """The posts the notice holds units responsible for; each has one holder at a time."""

    WEBSITE = "website", "网站管理员"
    PLATFORM = "platform", "政务服务平台管理员"
    LIAISON = "liaison", "政务公开联络员"
    LEADER = "leader", "分管领导"


# The two posts whose vacancy the notice blames for broken hand-overs: a unit without a current
# holder of either is flagged on the units list.
REQUIRED_DUTIES: tuple[Duty, ...] = (Duty.WEBSITE, Duty.PLATFORM)

# Mainland mobile (13x–19x, 11 digits) or landline with area code (0909-5212345, optional
# extension). Forms strip spaces and "+86" before this runs, so the stored form is canonical.
PHONE_PATTERN = r"^(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(?:-\d{1,6})?)$"
phone_validator = RegexValidator(
    PHONE_PATTERN,
    "请填写大陆手机号（如 13912345678）或带区号的固定电话（如 0909-5212345）。",
)


class Contact(models.Model):
    """One person's tenure in one duty of one unit.

    Tenures are half-open: ``start_date`` is the first day, ``end_date`` the day the successor
    took over (the predecessor's tenure ends on the successor's start date) or the day the person
    left; ``end_date`` empty means the person holds the post now. Rows are never deleted, so the
    history of who was responsible when survives every change of staff.
    """

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="contacts", verbose_name="单位"
    )
    duty = models.CharField("职责", max_length=20, choices=Duty)
    name = models.CharField("姓名", max_length=50)
    phone = models.CharField("联系电话", max_length=30, blank=True, validators=[phone_validator])
    start_date = models.DateField("任职日期")
    end_date = models.DateField("离任日期", null=True, blank=True, help_text="在任则留空。")
    note = models.TextField("备注", blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        ordering = ["unit_id", "duty", "-start_date", "-id"]
        verbose_name = verbose_name_plural = "单位联系人"
        constraints = [
            # The database itself refuses a second current holder, whatever code writes.
            models.UniqueConstraint(
                fields=["unit", "duty"],
                condition=models.Q(end_date__isnull=True),
                name="registry_contact_one_current_per_duty",
                violation_error_message="同一单位的同一职责只能有一名在任人员。",
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gt=models.F("start_date")),
                name="registry_contact_end_after_start",
                violation_error_message="离任日期必须晚于任职日期。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.get_duty_display()} {self.name}"

    @property
    def is_current(self) -> bool:
        return self.end_date is None


class Handover(models.Model):
    """A change of holder: what the predecessor passed on, and whether the successor agreed.

    ``from_contact`` is empty when the post was vacant (nobody to hand over from). ``items`` lists
    accounts, pending work and the like — never passwords themselves (the form refuses them,
    because the audit trail that copies this text can never be erased).
    """

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="handovers", verbose_name="单位"
    )
    duty = models.CharField("职责", max_length=20, choices=Duty)
    from_contact = models.ForeignKey(
        Contact,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handed_over",
        verbose_name="交出人",
    )
    to_contact = models.ForeignKey(
        Contact, on_delete=models.PROTECT, related_name="took_over", verbose_name="接任人"
    )
    date = models.DateField("交接日期")
    items = models.TextField("交接事项", blank=True)
    passwords_changed = models.BooleanField("账号密码已修改", default=False)
    acknowledged_by_successor = models.BooleanField("接任人已确认", default=False)
    acknowledged_at = models.DateTimeField("确认时间", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="记录人",
    )
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = verbose_name_plural = "交接记录"

    def __str__(self) -> str:
        before = self.from_contact.name if self.from_contact else "（空缺）"
        return f"{self.unit} {self.get_duty_display()} {before} → {self.to_contact.name}"


class LeaderTenure(models.Model):
    """A county leader's post and tenure, for checking “县长张三” on pages against the dates
    (领导姓名职务错误 is a serious wording error in website inspections)."""

    name = models.CharField("姓名", max_length=50)
    title = models.CharField("职务", max_length=50, help_text="如：县长、常务副县长、县委书记")
    start = models.DateField("任职日期")
    end = models.DateField("离任日期", null=True, blank=True)

    class Meta:
        ordering = ["title", "-start"]
        constraints = [
            models.UniqueConstraint(fields=["name", "title", "start"], name="leader_tenure_unique"),
            models.CheckConstraint(
                condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
                name="leader_tenure_dates",
            ),
        ]
        verbose_name = verbose_name_plural = "领导任职"

    def __str__(self) -> str:
        return f"{self.title}{self.name}"
