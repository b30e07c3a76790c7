#include "Command.h"

namespace berth::cli {

std::shared_ptr<Command> makeImagesCommand();
std::shared_ptr<Command> makeImportCommand();
std::shared_ptr<Command> makeLoadCommand();
std::shared_ptr<Command> makePullCommand();
std::shared_ptr<Command> makePushCommand();
std::shared_ptr<Command> makeSaveCommand();
std::shared_ptr<Command> makeTagCommand();
std::shared_ptr<Command> makeRmiCommand();
std::shared_ptr<Command> makeImagePruneCommand();
std::shared_ptr<Command> makeHistoryCommand();
std::shared_ptr<Command> makeImageAnalyzeCommand();
std::shared_ptr<Command> makeImageCompareCommand();
std::shared_ptr<Command> makeInspectCommand();
std::shared_ptr<Command> makeImageInspectCommand();
std::shared_ptr<Command> makeInfoCommand();
std::shared_ptr<Command> makeDfCommand();
std::shared_ptr<Command> makeVersionCommand();
std::shared_ptr<Command> makeSystemStartCommand();
std::shared_ptr<Command> makeEventsCommand();
std::shared_ptr<Command> makeRunCommand();
std::shared_ptr<Command> makeCreateCommand();
std::shared_ptr<Command> makePsCommand();
std::shared_ptr<Command> makeLogsCommand();
std::shared_ptr<Command> makePortCommand();
std::shared_ptr<Command> makeContainerInspectCommand();
std::shared_ptr<Command> makeCommitCommand(), makeDiffCommand();
std::shared_ptr<Command> makeExportCommand(), makeCpCommand();
QList<std::shared_ptr<Command>> makeContainerLifecycleCommands();
std::shared_ptr<Command> makeExecCommand();
std::shared_ptr<Command> makeAttachCommand();
std::shared_ptr<Command> makeTopCommand();
std::shared_ptr<Command> makeStatsCommand();
std::shared_ptr<Command> makeUpdateCommand();
QList<std::shared_ptr<Command>> makeVolumeCommands();
QList<std::shared_ptr<Command>> makeLoginCommands();
std::shared_ptr<Command> makeSearchCommand();

QList<std::shared_ptr<Command>> allCommands()
{
    return QList<std::shared_ptr<Command>>{makeImagesCommand(),       makeImportCommand(),
                                           makeLoadCommand(),         makePullCommand(),
                                           makePushCommand(),         makeSaveCommand(),
                                           makeTagCommand(),          makeRmiCommand(),
                                           makeImagePruneCommand(),   makeHistoryCommand(),
                                           makeImageAnalyzeCommand(), makeImageCompareCommand(),
                                           makeInspectCommand(),      makeImageInspectCommand(),
                                           makeInfoCommand(),         makeDfCommand(),
                                           makeVersionCommand(),      makeEventsCommand(),
                                           makeRunCommand(),          makeCreateCommand(),
                                           makePsCommand(),           makeLogsCommand(),
                                           makePortCommand(),         makeCommitCommand(),
                                           makeDiffCommand(),         makeExportCommand(),
                                           makeCpCommand(),           makeContainerInspectCommand(),
                                           makeExecCommand(),         makeAttachCommand(),
                                           makeTopCommand(),          makeStatsCommand(),
                                           makeUpdateCommand(),       makeSystemStartCommand(),
                                           makeSearchCommand()} +
           makeContainerLifecycleCommands() + makeVolumeCommands() + makeLoginCommands();
}

} // namespace berth::cli
