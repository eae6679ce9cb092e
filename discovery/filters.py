import django_filters

from workspaces.filters import ScopedFilterSet

from .models import Customer, FeedbackNote, Idea, IdeaStatus, NoteSource, NoteState, Sentiment


class NoteFilter(ScopedFilterSet):
    search = django_filters.CharFilter(field_name="text", lookup_expr="icontains", label="Search", max_length=200)
    state = django_filters.ChoiceFilter(choices=NoteState.choices)
    source = django_filters.ChoiceFilter(choices=NoteSource.choices)
    sentiment = django_filters.ChoiceFilter(field_name="sentiment_label", choices=Sentiment.choices)
    customer = django_filters.ModelChoiceFilter(queryset=Customer.objects.all())
    segment = django_filters.CharFilter(field_name="customer__segment", lookup_expr="iexact", max_length=60)
    tag = django_filters.CharFilter(method="with_tag", max_length=40)

    class Meta:
        model = FeedbackNote
        fields = ["search", "state", "source", "sentiment", "customer", "segment", "tag"]

    def with_tag(self, queryset, name, value):
        return queryset.filter(tags__contains=[value.strip().lower()])


class IdeaFilter(ScopedFilterSet):
    search = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label="Search", max_length=200)
    status = django_filters.ChoiceFilter(choices=IdeaStatus.choices)

    class Meta:
        model = Idea
        fields = ["search", "status"]


class CustomerFilter(ScopedFilterSet):
    search = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label="Search", max_length=200)
    segment = django_filters.CharFilter(lookup_expr="iexact", max_length=60)

    class Meta:
        model = Customer
        fields = ["search", "kind", "segment"]
