#include "dcisim/bus.h"

#include <stdlib.h>

struct sub {
	dcs_note_fn fn;
	void *ctx;
};

struct dcs_bus {
	struct sub *subs[DCS_NOTE_KIND_COUNT];
	size_t n[DCS_NOTE_KIND_COUNT];
};

struct dcs_bus *dcs_bus_create(void)
{
	return calloc(1, sizeof(struct dcs_bus));
}

void dcs_bus_destroy(struct dcs_bus *bus)
{
	if (!bus)
		return;
	for (int i = 0; i < DCS_NOTE_KIND_COUNT; i++)
		free(bus->subs[i]);
	free(bus);
}

bool dcs_bus_subscribe(struct dcs_bus *bus, enum dcs_note_kind kind, dcs_note_fn fn, void *ctx)
{
	struct sub *s = realloc(bus->subs[kind], (bus->n[kind] + 1) * sizeof(*s));
	if (!s)
		return false;
	s[bus->n[kind]++] = (struct sub){fn, ctx};
	bus->subs[kind] = s;
	return true;
}

void dcs_bus_publish(struct dcs_bus *bus, const struct dcs_note *note)
{
	/* Subscribers added while publishing are not called for this note. */
	size_t n = bus->n[note->kind];
	for (size_t i = 0; i < n; i++)
		bus->subs[note->kind][i].fn(bus->subs[note->kind][i].ctx, note);
}
