// Instructions: typed Dockerfile instructions and the stage plan, the executor's input.
//
// parseStages() checks each parser Node with BuildKit's rules (argument counts, allowed
// --flags, FROM ... AS name, HEALTHCHECK options, RUN --mount fields) and groups the
// instructions into stages; ARGs before the first FROM are the global "meta" args.
// Nothing is expanded yet: a stage's words depend on the ENV and ARG values in force when
// the instruction runs, so the executor calls expandInstruction() step by step with the
// stage's Environment. Expanded: ENV, LABEL, ADD, COPY, WORKDIR, USER, VOLUME, EXPOSE,
// STOPSIGNAL, ARG defaults, FROM (with the global args only) and RUN --mount values;
// RUN, CMD, ENTRYPOINT, SHELL, HEALTHCHECK and MAINTAINER keep their text (the shell sees
// it), and an ONBUILD trigger is expanded when it runs in the child image.
//
// planBuild() resolves each FROM with the global args (ARG before FROM, --build-arg and
// the built-in TARGETPLATFORM/BUILDPLATFORM family), links stages that use other stages
// (FROM <stage>, COPY --from=<stage>, RUN --mount from=<stage>) and returns the stages
// --target needs, in the order to build them.
#pragma once

#include "build/Parser.h"
#include "build/ShellLex.h"
#include "util/Result.h"

#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>
#include <variant>

namespace berth::build {

struct KeyValue
{
    QString key;
    QString value;
    bool operator==(const KeyValue &) const = default;
};

// A command of RUN, CMD, ENTRYPOINT or HEALTHCHECK: exec form (argv, run as is) or shell
// form (one string given to the SHELL); heredocs on the line are its inline files.
struct CommandLine
{
    QStringList args;
    bool shellForm = true;
    QList<Heredoc> files;
};

struct RunMount
{
    enum class Type { Bind, Cache, Tmpfs, Secret, Ssh };
    Type type = Type::Bind;
    QString target;
    QString source;
    QString from; // stage or image the source comes from (bind, cache)
    QString id;   // cache id, secret id, ssh id
    bool readOnly = false;
    QString sharing; // cache: shared, private or locked
    std::optional<quint32> mode;
    std::optional<quint32> uid;
    std::optional<quint32> gid;
    bool required = false;
    qint64 sizeBytes = 0; // tmpfs size, 0 = unlimited
    QString env;          // secret: expose as this environment variable
};

struct FromInstruction
{
    QString image;     // image reference or earlier stage name, unexpanded
    QString stageName; // AS name in lower case, empty when none
    QString platform;  // --platform, unexpanded
};
struct RunInstruction
{
    CommandLine command;
    QList<RunMount> mounts;
    QString network;  // default, none or host; empty = default
    QString security; // sandbox or insecure; empty = sandbox
};
struct CmdInstruction
{
    CommandLine command;
};
struct EntrypointInstruction
{
    CommandLine command; // exec form with no args ("ENTRYPOINT []") clears the entrypoint
};
struct LabelInstruction
{
    QList<KeyValue> labels;
};
struct MaintainerInstruction
{
    QString maintainer;
};
struct ExposeInstruction
{
    QStringList ports;
};
struct EnvInstruction
{
    QList<KeyValue> vars;
};
// An inline source: a heredoc used as a file (COPY <<EOF /dest).
struct InlineFile
{
    QString name;
    QString content; // leading tabs already stripped for <<-
    bool expand = true;
};
struct AddInstruction
{
    QStringList sources;
    QList<InlineFile> inlineFiles;
    QString dest;
    QString chown;
    QString chmod;
    QString checksum;
    bool link = false;
    bool keepGitDir = false;
    std::optional<bool> unpack;
    QStringList excludes;
};
struct CopyInstruction
{
    QStringList sources;
    QList<InlineFile> inlineFiles;
    QString dest;
    QString from;
    QString chown;
    QString chmod;
    bool link = false;
    bool parents = false;
    QStringList excludes;
};
struct VolumeInstruction
{
    QStringList paths;
};
struct UserInstruction
{
    QString user;
};
struct WorkdirInstruction
{
    QString path;
};
struct ArgDeclaration
{
    QString name;
    std::optional<QString> value; // the default, unexpanded
};
struct ArgInstruction
{
    QList<ArgDeclaration> args;
};
struct OnbuildInstruction
{
    QString trigger;    // the wrapped instruction's keyword in upper case ("RUN")
    QString expression; // the trigger line as the child image will run it
};
struct StopSignalInstruction
{
    QString signal;
};
struct HealthcheckInstruction
{
    // {"NONE"}, {"CMD", argv...} (exec form) or {"CMD-SHELL", command}, as Docker stores it.
    QStringList test;
    qint64 intervalNs = 0;
    qint64 timeoutNs = 0;
    qint64 startPeriodNs = 0;
    qint64 startIntervalNs = 0;
    int retries = 0;
};
struct ShellInstruction
{
    QStringList shell;
};

using InstructionData =
    std::variant<FromInstruction, RunInstruction, CmdInstruction, EntrypointInstruction,
                 LabelInstruction, MaintainerInstruction, ExposeInstruction, EnvInstruction,
                 AddInstruction, CopyInstruction, VolumeInstruction, UserInstruction,
                 WorkdirInstruction, ArgInstruction, OnbuildInstruction, StopSignalInstruction,
                 HealthcheckInstruction, ShellInstruction>;

struct Instruction
{
    QString keyword;  // upper case: "RUN"
    QString original; // the logical line, for history entries and messages
    int startLine = 0;
    int endLine = 0;
    InstructionData data;

    template <typename T> const T *as() const { return std::get_if<T>(&data); }
};

// Checks one node and makes its typed instruction. Errors are "Dockerfile:LINE: message".
Result<Instruction> parseInstruction(const Node &node,
                                     const QString &fileName = QStringLiteral("Dockerfile"));

struct Stage
{
    int index = 0;
    QString name; // lower case, empty when the stage has no AS name
    FromInstruction from;
    int startLine = 0;
    QList<Instruction> instructions; // the ones after FROM
};

struct StageList
{
    QList<ArgInstruction> metaArgs; // ARG before the first FROM
    QList<Stage> stages;
};

Result<StageList> parseStages(const Dockerfile &file,
                              const QString &fileName = QStringLiteral("Dockerfile"));

// The instruction with its words expanded in env (see the list above). FROM expands
// image and platform; the caller passes the global args for it.
Result<Instruction> expandInstruction(const Instruction &instruction, const ShellLex &lex,
                                      const Environment &env);

// A RUN --mount value ("type=cache,target=/root/.cache,sharing=locked").
Result<RunMount> parseRunMount(const QString &value);

// Go's time.ParseDuration, for HEALTHCHECK options; nanoseconds.
Result<qint64> parseGoDuration(const QString &text);

// The ARGs Docker defines without a declaration: the platform family (global scope, so
// usable in FROM; a stage re-declares them to use them) ...
Environment builtinArgs(const QString &targetPlatform, const QString &buildPlatform);
// ... and the proxy family, passed to RUN when given as --build-arg even if undeclared.
bool isProxyArg(const QString &name);

struct PlanOptions
{
    QMap<QString, QString> buildArgs;
    QString target; // stage name; empty = the last stage
    QString targetPlatform = QStringLiteral("linux/amd64");
    QString buildPlatform = QStringLiteral("linux/amd64");
};

struct PlannedStage
{
    int index = 0;
    QString name;
    QString base;            // FROM after expansion with the global args
    QString platform;        // --platform after expansion, empty when none
    int baseStage = -1;      // index of the stage FROM names, -1 for an image (or scratch)
    QList<int> dependencies; // stages it copies or mounts from (and its base stage)
    QStringList images;      // images COPY --from / RUN --mount from= name
};

struct BuildPlan
{
    QList<PlannedStage> stages; // every stage of the file
    QList<int> order;           // the stages --target needs, dependencies first
    int target = 0;
    Environment globalArgs;      // meta args and built-ins after --build-arg
    QStringList unusedBuildArgs; // --build-arg names no ARG of a built stage declared
};

Result<BuildPlan> planBuild(const StageList &stages, const PlanOptions &options);

// The value an ARG declaration inside a stage takes: the --build-arg, else its default
// (expanded in the stage's env), else the global arg of that name; nullopt when it has
// none (the name is declared but unset).
Result<std::optional<QString>> stageArgValue(const ArgDeclaration &declaration,
                                             const QMap<QString, QString> &buildArgs,
                                             const Environment &globalArgs,
                                             const Environment &stageEnv, const ShellLex &lex);

// A heredoc used as a file (COPY <<EOF) with its variables expanded when its marker was
// not quoted; quotes and escapes in the content are kept, as BuildKit does.
Result<QString> expandInlineFile(const InlineFile &file, const Environment &env);

} // namespace berth::build
