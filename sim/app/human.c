/* Figures for people (human.h). */
#include "human.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static bool special(char *buf, size_t len, double v)
{
	if (isnan(v))
		snprintf(buf, len, "n/a");
	else if (isinf(v))
		snprintf(buf, len, v > 0 ? "never" : "-never");
	else
		return false;
	return true;
}

const char *dcs_human_num(char *buf, size_t len, double v)
{
	if (special(buf, len, v))
		return buf;
	double a = fabs(v);
	if (v == 0)
		snprintf(buf, len, "0");
	else if (a >= 1e6 || a < 1e-4)
		snprintf(buf, len, "%.3g", v);
	else if (a >= 1000)
		snprintf(buf, len, "%.0f", v); /* 1234, not 1.23e+03 */
	else
		snprintf(buf, len, "%.3g", v);
	return buf;
}

const char *dcs_human_s(char *buf, size_t len, double s)
{
	if (special(buf, len, s))
		return buf;
	double a = fabs(s);
	char n[DCS_HUMAN_LEN];
	if (a == 0)
		snprintf(buf, len, "0 s");
	else if (a < 1e-3)
		snprintf(buf, len, "%s us", dcs_human_num(n, sizeof(n), s * 1e6));
	else if (a < 1)
		snprintf(buf, len, "%s ms", dcs_human_num(n, sizeof(n), s * 1e3));
	else if (a < 120)
		snprintf(buf, len, "%s s", dcs_human_num(n, sizeof(n), s));
	else if (a < 7200) {
		long t = lround(a);
		if (t % 60)
			snprintf(buf, len, "%s%ld min %ld s", s < 0 ? "-" : "", t / 60, t % 60);
		else
			snprintf(buf, len, "%s%ld min", s < 0 ? "-" : "", t / 60);
	} else if (a < 172800) {
		long t = lround(a / 60);
		if (t % 60)
			snprintf(buf, len, "%s%ld h %ld min", s < 0 ? "-" : "", t / 60, t % 60);
		else
			snprintf(buf, len, "%s%ld h", s < 0 ? "-" : "", t / 60);
	} else
		snprintf(buf, len, "%s days", dcs_human_num(n, sizeof(n), s / 86400));
	return buf;
}

static const char *bytes(char *buf, size_t len, double b)
{
	static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
	size_t u = 0;
	double a = fabs(b);
	while (a >= 1024 && u + 1 < sizeof(units) / sizeof(units[0])) {
		a /= 1024;
		b /= 1024;
		u++;
	}
	char n[DCS_HUMAN_LEN];
	snprintf(buf, len, "%s %s", dcs_human_num(n, sizeof(n), b), units[u]);
	return buf;
}

/* A ratio as a percentage that never rounds a shortfall away: truncated,
 * with the decimals that show the distance from 100 % (or from 0 %). */
static const char *percent(char *buf, size_t len, double r)
{
	double p = r * 100;
	if (r >= 1 || r <= 0) {
		snprintf(buf, len, "%.0f %%", p);
		return buf;
	}
	double gap = p >= 50 ? 100 - p : p;
	int dec = (int)ceil(-log10(gap) - 1e-9) + (p >= 50 ? 0 : 1);
	if (dec < 1)
		dec = 1;
	if (dec > 6)
		dec = 6;
	double scale = pow(10, dec);
	snprintf(buf, len, "%.*f %%", dec, floor(p * scale) / scale);
	return buf;
}

const char *dcs_human(char *buf, size_t len, double v, const char *unit)
{
	if (special(buf, len, v))
		return buf;
	if (!unit)
		unit = "";
	char n[DCS_HUMAN_LEN];
	if (!strcmp(unit, "s"))
		return dcs_human_s(buf, len, v);
	if (!strcmp(unit, "ms"))
		return dcs_human_s(buf, len, v / 1e3);
	if (!strcmp(unit, "us"))
		return dcs_human_s(buf, len, v / 1e6);
	if (!strcmp(unit, "B") || !strcmp(unit, "bytes"))
		return bytes(buf, len, v);
	if (!strcmp(unit, "KiB"))
		return bytes(buf, len, v * 1024);
	if (!strcmp(unit, "MiB"))
		return bytes(buf, len, v * 1048576);
	if (!strcmp(unit, "GiB"))
		return bytes(buf, len, v * 1073741824.0);
	if (!strcmp(unit, "ratio"))
		return percent(buf, len, v);
	if (!strcmp(unit, "count")) {
		if (v == floor(v) && fabs(v) < 1e15)
			snprintf(buf, len, "%.0f", v);
		else
			dcs_human_num(buf, len, v);
		return buf;
	}
	snprintf(buf, len, "%s%s%s", dcs_human_num(n, sizeof(n), v), *unit ? " " : "", unit);
	return buf;
}
