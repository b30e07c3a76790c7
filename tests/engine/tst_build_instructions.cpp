// Typed instruction tests: the fields each instruction carries, which words expand, the
// stage list, the build plan (global args, --target, dependencies), RUN --mount parsing and
// Go durations.
#include "build/Instructions.h"

#include <QtTest>

using namespace berth;
using namespace berth::build;

namespace {

StageList stagesOf(const QByteArray &text)
{
    const auto parsed = parseDockerfile(text);
    if (!parsed.ok())
        qFatal("parse: %s", qPrintable(parsed.error().message));
    const auto stages = parseStages(*parsed);
    if (!stages.ok())
        qFatal("stages: %s", qPrintable(stages.error().message));
    return *stages;
}

Environment envOf(std::initializer_list<std::pair<const char *, const char *>> pairs)
{
    Environment env;
    for (const auto &[name, value] : pairs)
        env.set(QString::fromUtf8(name), QString::fromUtf8(value));
    return env;
}

} // namespace

class TestBuildInstructions : public QObject
{
    Q_OBJECT

private slots:
    void typedFields();
    void commandForms();
    void inlineFiles();
    void expansion();
    void expansionErrors();
    void stages();
    void planGlobalArgs();
    void planTargetAndOrder();
    void planStageArgs();
    void stageArgs();
    void planErrors();
    void runMounts();
    void runMountErrors();
    void goDurations();
    void builtins();
};

void TestBuildInstructions::typedFields()
{
    const StageList list =
        stagesOf("FROM --platform=linux/arm64 alpine:3.19 AS Base\n"
                 "LABEL a=1 \"b c\"=d\n"
                 "MAINTAINER someone\n"
                 "EXPOSE 80/tcp 53/udp\n"
                 "ENV PATH /x:$PATH\n"
                 "ADD --chown=1:2 --chmod=644 --checksum=sha256:00 --keep-git-dir --unpack=false "
                 "--exclude=*.o http://h/x.tgz /opt/\n"
                 "COPY --from=0 --link --parents --exclude=a --exclude=b s1 s2 /dst/\n"
                 "VOLUME [\"/v\"]\n"
                 "USER 1000:1000\n"
                 "WORKDIR /w\n"
                 "ARG A B=2\n"
                 "ONBUILD  run echo $HOME\n"
                 "STOPSIGNAL SIGINT\n"
                 "HEALTHCHECK --interval=1m30s --timeout=5s --retries=4 CMD [\"check\"]\n"
                 "SHELL [\"/bin/bash\", \"-c\"]\n");
    QCOMPARE(list.stages.size(), 1);
    const Stage &stage = list.stages[0];
    QCOMPARE(stage.name, QStringLiteral("base"));
    QCOMPARE(stage.from.image, QStringLiteral("alpine:3.19"));
    QCOMPARE(stage.from.platform, QStringLiteral("linux/arm64"));
    const QList<Instruction> &in = stage.instructions;
    QCOMPARE(in.size(), 14);

    QCOMPARE(in[0].keyword, QStringLiteral("LABEL"));
    QCOMPARE(in[0].as<LabelInstruction>()->labels, (QList<KeyValue>{{"a", "1"}, {"\"b c\"", "d"}}));
    QCOMPARE(in[1].as<MaintainerInstruction>()->maintainer, QStringLiteral("someone"));
    QCOMPARE(in[2].as<ExposeInstruction>()->ports, (QStringList{"80/tcp", "53/udp"}));
    QCOMPARE(in[3].as<EnvInstruction>()->vars, (QList<KeyValue>{{"PATH", "/x:$PATH"}}));

    const auto *add = in[4].as<AddInstruction>();
    QVERIFY(add);
    QCOMPARE(add->sources, QStringList{"http://h/x.tgz"});
    QCOMPARE(add->dest, QStringLiteral("/opt/"));
    QCOMPARE(add->chown, QStringLiteral("1:2"));
    QCOMPARE(add->chmod, QStringLiteral("644"));
    QCOMPARE(add->checksum, QStringLiteral("sha256:00"));
    QVERIFY(add->keepGitDir);
    QVERIFY(!add->link);
    QCOMPARE(add->unpack, std::optional<bool>(false));
    QCOMPARE(add->excludes, QStringList{"*.o"});

    const auto *copy = in[5].as<CopyInstruction>();
    QVERIFY(copy);
    QCOMPARE(copy->sources, (QStringList{"s1", "s2"}));
    QCOMPARE(copy->dest, QStringLiteral("/dst/"));
    QCOMPARE(copy->from, QStringLiteral("0"));
    QVERIFY(copy->link);
    QVERIFY(copy->parents);
    QCOMPARE(copy->excludes, (QStringList{"a", "b"}));

    QCOMPARE(in[6].as<VolumeInstruction>()->paths, QStringList{"/v"});
    QCOMPARE(in[7].as<UserInstruction>()->user, QStringLiteral("1000:1000"));
    QCOMPARE(in[8].as<WorkdirInstruction>()->path, QStringLiteral("/w"));
    const auto *arg = in[9].as<ArgInstruction>();
    QCOMPARE(arg->args.size(), 2);
    QCOMPARE(arg->args[0].name, QStringLiteral("A"));
    QCOMPARE(arg->args[0].value, std::nullopt);
    QCOMPARE(arg->args[1].value, std::optional<QString>(QStringLiteral("2")));

    const auto *onbuild = in[10].as<OnbuildInstruction>();
    QCOMPARE(onbuild->trigger, QStringLiteral("RUN"));
    QCOMPARE(onbuild->expression, QStringLiteral("run echo $HOME"));
    QCOMPARE(in[11].as<StopSignalInstruction>()->signal, QStringLiteral("SIGINT"));

    const auto *health = in[12].as<HealthcheckInstruction>();
    QCOMPARE(health->test, (QStringList{"CMD", "check"}));
    QCOMPARE(health->intervalNs, qint64(90) * 1000000000);
    QCOMPARE(health->timeoutNs, qint64(5) * 1000000000);
    QCOMPARE(health->startPeriodNs, qint64(0));
    QCOMPARE(health->retries, 4);
    QCOMPARE(in[13].as<ShellInstruction>()->shell, (QStringList{"/bin/bash", "-c"}));
    QCOMPARE(in[13].startLine, 15);
    QCOMPARE(in[13].original, QStringLiteral("SHELL [\"/bin/bash\", \"-c\"]"));
}

void TestBuildInstructions::commandForms()
{
    const StageList list = stagesOf("FROM a\n"
                                    "RUN --network=none --mount=type=cache,target=/c make  all\n"
                                    "RUN [\"/bin/echo\", \"x y\"]\n"
                                    "CMD echo $HOME\n"
                                    "ENTRYPOINT []\n"
                                    "HEALTHCHECK CMD curl -f localhost\n"
                                    "HEALTHCHECK NONE\n");
    const auto &in = list.stages[0].instructions;
    const auto *run = in[0].as<RunInstruction>();
    QVERIFY(run->command.shellForm);
    QCOMPARE(run->command.args, QStringList{"make  all"});
    QCOMPARE(run->network, QStringLiteral("none"));
    QCOMPARE(run->mounts.size(), 1);
    QCOMPARE(run->mounts[0].type, RunMount::Type::Cache);
    const auto *exec = in[1].as<RunInstruction>();
    QVERIFY(!exec->command.shellForm);
    QCOMPARE(exec->command.args, (QStringList{"/bin/echo", "x y"}));
    const auto *cmd = in[2].as<CmdInstruction>();
    QVERIFY(cmd->command.shellForm);
    QCOMPARE(cmd->command.args, QStringList{"echo $HOME"});
    const auto *entrypoint = in[3].as<EntrypointInstruction>();
    QVERIFY(!entrypoint->command.shellForm);
    QVERIFY(entrypoint->command.args.isEmpty());
    QCOMPARE(in[4].as<HealthcheckInstruction>()->test,
             (QStringList{"CMD-SHELL", "curl -f localhost"}));
    QCOMPARE(in[5].as<HealthcheckInstruction>()->test, QStringList{"NONE"});
}

void TestBuildInstructions::inlineFiles()
{
    const StageList list = stagesOf("FROM a\n"
                                    "COPY <<-EOF <<'RAW' local.txt /dst/\n"
                                    "\tindented $X\n"
                                    "\tEOF\n"
                                    "$Y stays\n"
                                    "RAW\n"
                                    "RUN <<EOF\n"
                                    "echo one\n"
                                    "EOF\n");
    const auto *copy = list.stages[0].instructions[0].as<CopyInstruction>();
    QCOMPARE(copy->sources, QStringList{"local.txt"});
    QCOMPARE(copy->inlineFiles.size(), 2);
    QCOMPARE(copy->inlineFiles[0].name, QStringLiteral("EOF"));
    QCOMPARE(copy->inlineFiles[0].content, QStringLiteral("indented $X\n"));
    QVERIFY(copy->inlineFiles[0].expand);
    QCOMPARE(copy->inlineFiles[1].name, QStringLiteral("RAW"));
    QCOMPARE(copy->inlineFiles[1].content, QStringLiteral("$Y stays\n"));
    QVERIFY(!copy->inlineFiles[1].expand);
    const Environment env = envOf({{"X", "ex"}, {"Y", "why"}});
    QCOMPARE(*expandInlineFile(copy->inlineFiles[0], env), QStringLiteral("indented ex\n"));
    QCOMPARE(*expandInlineFile(copy->inlineFiles[1], env), QStringLiteral("$Y stays\n"));
    // Quotes and escapes in an expanded heredoc stay in the file.
    const InlineFile quoted{QStringLiteral("f"), QStringLiteral("\"$X\" \\$X\n"), true};
    QCOMPARE(*expandInlineFile(quoted, env), QStringLiteral("\"ex\" \\$X\n"));
    const auto *run = list.stages[0].instructions[1].as<RunInstruction>();
    QCOMPARE(run->command.args, QStringList{"<<EOF"});

    // An ONBUILD trigger carries its heredoc to the child image.
    const StageList onbuild = stagesOf("FROM a\nONBUILD RUN <<EOF\necho child\nEOF\n");
    QCOMPARE(onbuild.stages[0].instructions[0].as<OnbuildInstruction>()->expression,
             QStringLiteral("RUN <<EOF\necho child\nEOF"));
    QCOMPARE(run->command.files.size(), 1);
    QCOMPARE(run->command.files[0].content, QStringLiteral("echo one\n"));
}

void TestBuildInstructions::expansion()
{
    const StageList list = stagesOf("FROM a\n"
                                    "ENV A=$V B=\"${V} two\" C='$V' D=x\\ y\n"
                                    "ENV LEGACY \"$V\" quoted\n"
                                    "LABEL $K=$V\n"
                                    "COPY --chown=$U --from=$S $V/src ${V:-no}/dst\n"
                                    "ADD --chmod=$M ${V}.tar /\n"
                                    "WORKDIR /w/$V\n"
                                    "USER $U\n"
                                    "VOLUME $V /static\n"
                                    "EXPOSE $P\n"
                                    "STOPSIGNAL $SIG\n"
                                    "ARG Z=${V}z\n"
                                    "RUN --mount=type=cache,target=/c/$V echo $V\n"
                                    "CMD echo $V\n"
                                    "ENTRYPOINT [\"$V\"]\n"
                                    "ONBUILD RUN echo $V\n"
                                    "HEALTHCHECK CMD echo $V\n"
                                    "SHELL [\"$V\"]\n");
    const Environment env = envOf({{"V", "val"},
                                   {"K", "key"},
                                   {"U", "app"},
                                   {"S", "build"},
                                   {"M", "755"},
                                   {"P", "8080"},
                                   {"SIG", "SIGQUIT"}});
    const ShellLex lex;
    QList<Instruction> out;
    for (const Instruction &instruction : list.stages[0].instructions) {
        const auto expanded = expandInstruction(instruction, lex, env);
        QVERIFY2(expanded.ok(), qPrintable(expanded.ok() ? QString() : expanded.error().message));
        out << *expanded;
    }
    QCOMPARE(out[0].as<EnvInstruction>()->vars,
             (QList<KeyValue>{{"A", "val"}, {"B", "val two"}, {"C", "$V"}, {"D", "x y"}}));
    QCOMPARE(out[1].as<EnvInstruction>()->vars, (QList<KeyValue>{{"LEGACY", "val quoted"}}));
    QCOMPARE(out[2].as<LabelInstruction>()->labels, (QList<KeyValue>{{"key", "val"}}));
    const auto *copy = out[3].as<CopyInstruction>();
    QCOMPARE(copy->sources, QStringList{"val/src"});
    QCOMPARE(copy->dest, QStringLiteral("val/dst"));
    QCOMPARE(copy->chown, QStringLiteral("app"));
    QCOMPARE(copy->from, QStringLiteral("build"));
    const auto *add = out[4].as<AddInstruction>();
    QCOMPARE(add->sources, QStringList{"val.tar"});
    QCOMPARE(add->chmod, QStringLiteral("755"));
    QCOMPARE(out[5].as<WorkdirInstruction>()->path, QStringLiteral("/w/val"));
    QCOMPARE(out[6].as<UserInstruction>()->user, QStringLiteral("app"));
    QCOMPARE(out[7].as<VolumeInstruction>()->paths, (QStringList{"val", "/static"}));
    QCOMPARE(out[8].as<ExposeInstruction>()->ports, QStringList{"8080"});
    QCOMPARE(out[9].as<StopSignalInstruction>()->signal, QStringLiteral("SIGQUIT"));
    QCOMPARE(out[10].as<ArgInstruction>()->args[0].value,
             std::optional<QString>(QStringLiteral("valz")));
    const auto *run = out[11].as<RunInstruction>();
    QCOMPARE(run->mounts[0].target, QStringLiteral("/c/val"));
    // The shell expands these when the command runs, not the builder.
    QCOMPARE(run->command.args, QStringList{"echo $V"});
    QCOMPARE(out[12].as<CmdInstruction>()->command.args, QStringList{"echo $V"});
    QCOMPARE(out[13].as<EntrypointInstruction>()->command.args, QStringList{"$V"});
    QCOMPARE(out[14].as<OnbuildInstruction>()->expression, QStringLiteral("RUN echo $V"));
    QCOMPARE(out[15].as<HealthcheckInstruction>()->test, (QStringList{"CMD-SHELL", "echo $V"}));
    QCOMPARE(out[16].as<ShellInstruction>()->shell, QStringList{"$V"});

    // FROM expands with the args it is given.
    FromInstruction from{QStringLiteral("alpine:${TAG:-latest}"), QString(),
                         QStringLiteral("$BUILDPLATFORM")};
    Instruction fromInstruction{QStringLiteral("FROM"), QString(), 1, 1, from};
    const auto expanded =
        expandInstruction(fromInstruction, lex, envOf({{"BUILDPLATFORM", "linux/amd64"}}));
    QVERIFY(expanded.ok());
    QCOMPARE(expanded->as<FromInstruction>()->image, QStringLiteral("alpine:latest"));
    QCOMPARE(expanded->as<FromInstruction>()->platform, QStringLiteral("linux/amd64"));
}

void TestBuildInstructions::expansionErrors()
{
    const StageList list = stagesOf("FROM a\nWORKDIR ${REQUIRED:?must be set}\n");
    const auto expanded =
        expandInstruction(list.stages[0].instructions[0], ShellLex(), Environment());
    QVERIFY(!expanded.ok());
    QCOMPARE(expanded.error().message, QStringLiteral("Dockerfile:2: REQUIRED: must be set"));
}

void TestBuildInstructions::stages()
{
    const StageList list = stagesOf("ARG A=1\nARG B\n"
                                    "FROM x AS one\nRUN a\nRUN b\n"
                                    "FROM y\nCOPY --from=one /a /b\n"
                                    "FROM z AS three\n");
    QCOMPARE(list.metaArgs.size(), 2);
    QCOMPARE(list.metaArgs[0].args[0].name, QStringLiteral("A"));
    QCOMPARE(list.stages.size(), 3);
    QCOMPARE(list.stages[0].name, QStringLiteral("one"));
    QCOMPARE(list.stages[0].instructions.size(), 2);
    QCOMPARE(list.stages[1].name, QString());
    QCOMPARE(list.stages[1].index, 1);
    QCOMPARE(list.stages[1].startLine, 6);
    QCOMPARE(list.stages[2].instructions.size(), 0);
}

void TestBuildInstructions::planGlobalArgs()
{
    const StageList list = stagesOf("ARG REPO=library\n"
                                    "ARG TAG=3.19\n"
                                    "ARG IMAGE=${REPO}/alpine:${TAG}\n"
                                    "FROM --platform=$BUILDPLATFORM $IMAGE AS build\n"
                                    "FROM ${REPO}/busybox:${TAG}\n");
    PlanOptions options;
    options.buildArgs.insert(QStringLiteral("TAG"), QStringLiteral("edge"));
    options.buildArgs.insert(QStringLiteral("UNUSED"), QStringLiteral("x"));
    options.buildArgs.insert(QStringLiteral("HTTP_PROXY"), QStringLiteral("http://p"));
    options.buildPlatform = QStringLiteral("linux/arm64/v8");
    const auto plan = planBuild(list, options);
    QVERIFY2(plan.ok(), qPrintable(plan.ok() ? QString() : plan.error().message));
    QCOMPARE(plan->stages[0].base, QStringLiteral("library/alpine:edge"));
    QCOMPARE(plan->stages[0].platform, QStringLiteral("linux/arm64/v8"));
    QCOMPARE(plan->stages[1].base, QStringLiteral("library/busybox:edge"));
    QCOMPARE(plan->globalArgs.value(QStringLiteral("IMAGE")),
             std::optional<QString>(QStringLiteral("library/alpine:edge")));
    // A proxy build-arg needs no declaration; an undeclared other one is reported.
    QCOMPARE(plan->unusedBuildArgs, QStringList{"UNUSED"});
    // Only the target and what it needs are built: stage 0 is not used by stage 1.
    QCOMPARE(plan->order, QList<int>{1});
}

void TestBuildInstructions::planTargetAndOrder()
{
    const StageList list = stagesOf("FROM alpine AS base\n"
                                    "FROM base AS deps\n"
                                    "RUN --mount=type=bind,from=tools,target=/t ls\n"
                                    "FROM golang AS tools\n"
                                    "FROM deps AS build\n"
                                    "COPY --from=2 /x /x\n"
                                    "COPY --from=nginx:latest /etc/nginx /etc/nginx\n"
                                    "FROM scratch AS final\n"
                                    "COPY --from=build /app /app\n"
                                    "FROM busybox AS unrelated\n");
    PlanOptions options;
    options.target = QStringLiteral("Final");
    const auto plan = planBuild(list, options);
    QVERIFY2(plan.ok(), qPrintable(plan.ok() ? QString() : plan.error().message));
    QCOMPARE(plan->target, 4);
    QCOMPARE(plan->stages[1].baseStage, 0);
    QCOMPARE(plan->stages[1].dependencies, (QList<int>{0, 2}));
    QCOMPARE(plan->stages[3].baseStage, 1);
    QCOMPARE(plan->stages[3].dependencies, (QList<int>{1, 2}));
    QCOMPARE(plan->stages[3].images, QStringList{"nginx:latest"});
    QCOMPARE(plan->stages[4].baseStage, -1);
    QCOMPARE(plan->order, (QList<int>{0, 2, 1, 3, 4}));

    options.target.clear();
    const auto last = planBuild(list, options);
    QVERIFY(last.ok());
    QCOMPARE(last->target, 5);
    QCOMPARE(last->order, QList<int>{5});
}

void TestBuildInstructions::planStageArgs()
{
    // A global arg is only visible inside a stage after "ARG NAME" re-declares it; ENV and
    // stage ARGs are in force for later --from values.
    const StageList list = stagesOf("ARG SRC=builder\n"
                                    "FROM alpine AS builder\n"
                                    "FROM alpine AS other\n"
                                    "FROM alpine\n"
                                    "COPY --from=$SRC /a /a\n"
                                    "ARG SRC\n"
                                    "COPY --from=$SRC /b /b\n"
                                    "ENV FROMENV=other\n"
                                    "COPY --from=${FROMENV} /c /c\n");
    const auto plan = planBuild(list, PlanOptions());
    QVERIFY2(plan.ok(), qPrintable(plan.ok() ? QString() : plan.error().message));
    // The first COPY --from=$SRC expands to "" (SRC not declared in the stage): no source.
    QCOMPARE(plan->stages[2].dependencies, (QList<int>{0, 1}));
    QCOMPARE(plan->order, (QList<int>{0, 1, 2}));
}

void TestBuildInstructions::stageArgs()
{
    const ShellLex lex;
    const Environment global = envOf({{"G", "global"}});
    const Environment stage = envOf({{"S", "stage"}});
    const QMap<QString, QString> buildArgs{{QStringLiteral("B"), QStringLiteral("from-cli")}};
    const auto value = [&](const char *name, std::optional<QString> fallback) {
        const ArgDeclaration declaration{QString::fromLatin1(name), fallback};
        return *stageArgValue(declaration, buildArgs, global, stage, lex);
    };
    QCOMPARE(value("B", QStringLiteral("default")), std::optional<QString>("from-cli"));
    QCOMPARE(value("G", std::nullopt), std::optional<QString>("global"));
    QCOMPARE(value("G", QStringLiteral("own")), std::optional<QString>("own"));
    QCOMPARE(value("D", QStringLiteral("\"${S} x\"")), std::optional<QString>("stage x"));
    QCOMPARE(value("U", std::nullopt), std::nullopt);
}

void TestBuildInstructions::planErrors()
{
    PlanOptions options;
    options.target = QStringLiteral("nope");
    const auto missing = planBuild(stagesOf("FROM a AS one\n"), options);
    QVERIFY(!missing.ok());
    QCOMPARE(missing.error().code, ErrorCode::NotFound);
    QCOMPARE(missing.error().message, QStringLiteral("target stage \"nope\" could not be found"));

    const auto self = planBuild(stagesOf("FROM a AS one\nCOPY --from=one /a /b\n"), PlanOptions());
    QVERIFY(!self.ok());
    QCOMPARE(self.error().message,
             QStringLiteral("Dockerfile:2: circular dependency detected on stage: one"));

    const auto cycle = planBuild(stagesOf("FROM a AS one\nCOPY --from=two /a /b\n"
                                          "FROM one AS two\n"),
                                 PlanOptions());
    QVERIFY(!cycle.ok());
    QVERIFY(cycle.error().message.startsWith(QStringLiteral("circular dependency detected")));

    const auto blank = planBuild(stagesOf("ARG BASE\nFROM $BASE\n"), PlanOptions());
    QVERIFY(!blank.ok());
    QCOMPARE(blank.error().message,
             QStringLiteral("Dockerfile:2: base name ($BASE) should not be blank"));
}

void TestBuildInstructions::runMounts()
{
    auto bind = parseRunMount(QStringLiteral("type=bind,source=/src,target=/dst,from=build"));
    QVERIFY(bind.ok());
    QCOMPARE(bind->type, RunMount::Type::Bind);
    QCOMPARE(bind->source, QStringLiteral("/src"));
    QCOMPARE(bind->target, QStringLiteral("/dst"));
    QCOMPARE(bind->from, QStringLiteral("build"));
    QVERIFY(bind->readOnly);

    auto rw = parseRunMount(QStringLiteral("target=/dst,rw"));
    QVERIFY(rw.ok());
    QVERIFY(!rw->readOnly);

    auto cache = parseRunMount(
        QStringLiteral("type=cache,dst=/root/.cache,mode=0700,uid=1000,gid=1001,sharing=locked"));
    QVERIFY(cache.ok());
    QCOMPARE(cache->type, RunMount::Type::Cache);
    QCOMPARE(cache->id, QStringLiteral("/root/.cache"));
    QCOMPARE(cache->sharing, QStringLiteral("locked"));
    QCOMPARE(cache->mode, std::optional<quint32>(0700));
    QCOMPARE(cache->uid, std::optional<quint32>(1000));
    QCOMPARE(cache->gid, std::optional<quint32>(1001));
    QVERIFY(!cache->readOnly);

    auto shared = parseRunMount(QStringLiteral("type=cache,target=/c,readonly=true"));
    QVERIFY(shared.ok());
    QCOMPARE(shared->sharing, QStringLiteral("shared"));
    QVERIFY(shared->readOnly);

    auto tmpfs = parseRunMount(QStringLiteral("type=tmpfs,target=/tmp,size=1048576"));
    QVERIFY(tmpfs.ok());
    QCOMPARE(tmpfs->sizeBytes, qint64(1048576));

    auto secret = parseRunMount(QStringLiteral("type=secret,id=token,required"));
    QVERIFY(secret.ok());
    QCOMPARE(secret->target, QStringLiteral("/run/secrets/token"));
    QVERIFY(secret->required);
    auto secretEnv = parseRunMount(QStringLiteral("type=secret,id=token,env=TOKEN"));
    QVERIFY(secretEnv.ok());
    QCOMPARE(secretEnv->env, QStringLiteral("TOKEN"));
    QCOMPARE(secretEnv->target, QString());

    auto ssh = parseRunMount(QStringLiteral("type=ssh"));
    QVERIFY(ssh.ok());
    QCOMPARE(ssh->id, QStringLiteral("default"));
}

void TestBuildInstructions::runMountErrors()
{
    const QList<QPair<QString, QString>> cases{
        {"type=bind", "--mount=type=bind: mount target is required"},
        {"type=cache,target=/c,mode=999",
         "--mount=type=cache,target=/c,mode=999: invalid value 999 for mode"},
        {"type=bind,target=/c,ro=maybe",
         "--mount=type=bind,target=/c,ro=maybe: invalid value for ro: maybe"},
        {"type=bind,target=/c,bogus",
         "--mount=type=bind,target=/c,bogus: invalid field 'bogus' must be a key=value pair"},
        {"type=tmpfs,target=/t,from=x",
         "--mount=type=tmpfs,target=/t,from=x: from is not supported for tmpfs mounts"},
        {"type=bind,target=/t,sharing=locked",
         "--mount=type=bind,target=/t,sharing=locked: sharing is only supported for cache mounts"},
        {"type=secret",
         "--mount=type=secret: one of id, target or env is required for a secret mount"},
    };
    for (const auto &[value, message] : cases) {
        const auto mount = parseRunMount(value);
        QVERIFY2(!mount.ok(), qPrintable(value));
        QCOMPARE(mount.error().message, message);
    }
}

void TestBuildInstructions::goDurations()
{
    QCOMPARE(*parseGoDuration(QStringLiteral("1m30s")), qint64(90'000'000'000));
    QCOMPARE(*parseGoDuration(QStringLiteral("1.5h")), qint64(5'400'000'000'000));
    QCOMPARE(*parseGoDuration(QStringLiteral("500ms")), qint64(500'000'000));
    QCOMPARE(*parseGoDuration(QStringLiteral("10us")), qint64(10'000));
    QCOMPARE(*parseGoDuration(QStringLiteral("-2s")), qint64(-2'000'000'000));
    QCOMPARE(*parseGoDuration(QStringLiteral("0")), qint64(0));
    QCOMPARE(parseGoDuration(QStringLiteral("")).error().message,
             QStringLiteral("time: invalid duration \"\""));
    QCOMPARE(parseGoDuration(QStringLiteral("3")).error().message,
             QStringLiteral("time: missing unit in duration \"3\""));
    QCOMPARE(parseGoDuration(QStringLiteral("3d")).error().message,
             QStringLiteral("time: unknown unit \"d\" in duration \"3d\""));
}

void TestBuildInstructions::builtins()
{
    const Environment env =
        builtinArgs(QStringLiteral("linux/arm/v7"), QStringLiteral("linux/amd64"));
    QCOMPARE(env.value(QStringLiteral("TARGETPLATFORM")), QStringLiteral("linux/arm/v7"));
    QCOMPARE(env.value(QStringLiteral("TARGETOS")), QStringLiteral("linux"));
    QCOMPARE(env.value(QStringLiteral("TARGETARCH")), QStringLiteral("arm"));
    QCOMPARE(env.value(QStringLiteral("TARGETVARIANT")), QStringLiteral("v7"));
    QCOMPARE(env.value(QStringLiteral("BUILDPLATFORM")), QStringLiteral("linux/amd64"));
    QCOMPARE(env.value(QStringLiteral("BUILDARCH")), QStringLiteral("amd64"));
    QCOMPARE(env.value(QStringLiteral("BUILDVARIANT")), QString());
    for (const char *name : {"HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY",
                             "ftp_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"})
        QVERIFY(isProxyArg(QString::fromLatin1(name)));
    QVERIFY(!isProxyArg(QStringLiteral("Http_Proxy")));
    QVERIFY(!isProxyArg(QStringLiteral("TARGETARCH")));
}

QTEST_GUILESS_MAIN(TestBuildInstructions)
#include "tst_build_instructions.moc"
