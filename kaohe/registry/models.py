"""The unit registry: who is assessed, under which category, and every name they go by.

Notices and spreadsheets name the same unit in several ways (住建局, 住房和城乡建设局, 县住建局).
Aliases are matched exactly — a fuzzy match could silently credit one unit's score to another.
"""

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
