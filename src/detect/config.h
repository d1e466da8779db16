/*
 * config.h - detector thresholds and allowlists: defaults, and a config file
 * that overrides them (documented, with every default, in etc/dwell.conf).
 * OWNED BY THE DETECTORS; this first version only fixes the entry points the
 * CLI calls.
 */
#ifndef DW_DETECT_CONFIG_H
#define DW_DETECT_CONFIG_H

#include "../core/dw.h"

struct dw_config;

/* Allocates a config holding the defaults. Free with dw_config_free. */
int dw_config_new(struct dw_config **out) DW_WUR;
void dw_config_free(struct dw_config *c);

/*
 * Reads a config file over the current values. On error returns DW_EINVAL
 * (or DW_EIO) and writes "file:line: message" into err.
 */
int dw_config_load(struct dw_config *c, const char *path, char *err, size_t errsz) DW_WUR;

/* Sets one "section.key" to a value, as a config line would. */
int dw_config_set(struct dw_config *c, const char *key, const char *value, char *err,
		  size_t errsz) DW_WUR;

#endif
