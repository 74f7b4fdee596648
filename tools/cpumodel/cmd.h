/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Commands of the arm64-cpumodel tool kept in files of their own.  Each
 * gets argv[0] = its name and returns an exit status (enum arm64cm_status);
 * each uses the public interface (arm64-cpumodel.h) only.
 */
#ifndef ARM64_CPUMODEL_CMD_H
#define ARM64_CPUMODEL_CMD_H

int cmd_export(int argc, char **argv);
int cmd_fingerprint(int argc, char **argv);

#endif
