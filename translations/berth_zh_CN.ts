<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
    <context>
        <name>MainWindow</name>
        <message>
            <source>Berth</source>
            <translation>Berth</translation>
        </message>
        <message>
            <source>F5</source>
            <translation>F5</translation>
        </message>
        <message>
            <source>Filter by repository or tag</source>
            <translation>按仓库或标签筛选</translation>
        </message>
        <message>
            <source>Images</source>
            <translation>镜像</translation>
        </message>
        <message>
            <source>Main toolbar</source>
            <translation>主工具栏</translation>
        </message>
        <message>
            <source>No images yet. Load one with "berth load -i FILE" or import a root file system with "berth import".</source>
            <translation>还没有镜像。请使用 "berth load -i FILE" 加载镜像，或使用 "berth import" 导入根文件系统。</translation>
        </message>
        <message>
            <source>Read the image list from the store again</source>
            <translation>从存储中重新读取镜像列表</translation>
        </message>
        <message>
            <source>Refresh</source>
            <translation>刷新</translation>
        </message>
    </context>
    <context>
        <name>berth</name>
        <message>
            <source> (did you mean %1?)</source>
            <translation>（您是指 %1 吗？）</translation>
        </message>
        <message>
            <source>"%1" is not a host[:port]</source>
            <translation>"%1" 不是 host[:port]</translation>
        </message>
        <message>
            <source>"%1" is not a proxy URL (http://[user:password@]host[:port] or socks5://host[:port])</source>
            <translation>"%1" 不是代理地址（http://[user:password@]host[:port] 或 socks5://host[:port]）</translation>
        </message>
        <message>
            <source>"%1" is not a valid CIDR</source>
            <translation>"%1" 不是有效的 CIDR</translation>
        </message>
        <message>
            <source>"%1" is not an http:// or https:// URL of a registry</source>
            <translation>"%1" 不是镜像仓库的 http:// 或 https:// 地址</translation>
        </message>
        <message>
            <source>"%1": a mirror is a registry's address alone, without a path, query or user</source>
            <translation>"%1"：镜像站只能是仓库地址本身，不能带路径、查询参数或用户</translation>
        </message>
        <message>
            <source>"%1": an insecure registry is "host[:port]" or a CIDR, without a scheme</source>
            <translation>"%1"：不安全仓库应为 "host[:port]" 或 CIDR，不能带协议</translation>
        </message>
        <message>
            <source>"%1": invalid platform specifier, expected os/arch[/variant]</source>
            <translation>"%1"：平台说明无效，应为 os/arch[/variant]</translation>
        </message>
        <message>
            <source>"%1": unknown operating system or architecture</source>
            <translation>"%1"：未知的操作系统或架构</translation>
        </message>
        <message>
            <source>%1 %2: not a valid sha256 digest</source>
            <translation>%1 %2: 不是有效的 sha256 摘要</translation>
        </message>
        <message>
            <source>%1 days</source>
            <translation>%1 天</translation>
        </message>
        <message>
            <source>%1 hours</source>
            <translation>%1 小时</translation>
        </message>
        <message>
            <source>%1 in Healthcheck cannot be less than 1ms</source>
            <translation>Healthcheck 中的 %1 不能小于 1ms</translation>
        </message>
        <message>
            <source>%1 in database %2: %3</source>
            <translation>%1（数据库 %2）: %3</translation>
        </message>
        <message>
            <source>%1 is a Docker image manifest version 2, schema 1, which is no longer supported; ask its publisher to push it again as an OCI image or a Docker image manifest version 2, schema 2</source>
            <translation>%1 使用 Docker 镜像清单第 2 版 schema 1，已不再支持；请让发布者以 OCI 镜像或 Docker 镜像清单第 2 版 schema 2 重新推送</translation>
        </message>
        <message>
            <source>%1 is from another build of Berth</source>
            <translation>%1 来自另一个版本的 Berth</translation>
        </message>
        <message>
            <source>%1 is larger than the %2 bytes its manifest says</source>
            <translation>%1 超过了其清单所述的 %2 字节</translation>
        </message>
        <message>
            <source>%1 is not a container image: its config has the media type "%2"</source>
            <translation>%1 不是容器镜像：其配置的媒体类型为 "%2"</translation>
        </message>
        <message>
            <source>%1 is not a string</source>
            <translation>%1 不是字符串</translation>
        </message>
        <message>
            <source>%1 is not a valid change command</source>
            <translation>%1 不是有效的变更命令</translation>
        </message>
        <message>
            <source>%1 is not an array</source>
            <translation>%1 不是数组</translation>
        </message>
        <message>
            <source>%1 is not an object</source>
            <translation>%1 不是对象</translation>
        </message>
        <message>
            <source>%1 is not an unsigned integer</source>
            <translation>%1 不是无符号整数</translation>
        </message>
        <message>
            <source>%1 isn't allowed as an ONBUILD trigger</source>
            <translation>%1 不能用作 ONBUILD 触发指令</translation>
        </message>
        <message>
            <source>%1 minutes</source>
            <translation>%1 分钟</translation>
        </message>
        <message>
            <source>%1 months</source>
            <translation>%1 个月</translation>
        </message>
        <message>
            <source>%1 must have two arguments</source>
            <translation>%1 必须有两个参数</translation>
        </message>
        <message>
            <source>%1 names can not be blank</source>
            <translation>%1 的名称不能为空</translation>
        </message>
        <message>
            <source>%1 names can not be blank: "%2"</source>
            <translation>%1 名称不能为空: "%2"</translation>
        </message>
        <message>
            <source>%1 requires at least one argument</source>
            <translation>%1 至少需要一个参数</translation>
        </message>
        <message>
            <source>%1 requires at least two arguments, but only one was provided. Destination could not be determined.</source>
            <translation>%1 至少需要两个参数，但只提供了一个，无法确定目标位置。</translation>
        </message>
        <message>
            <source>%1 requires exactly one argument</source>
            <translation>%1 需要恰好一个参数</translation>
        </message>
        <message>
            <source>%1 seconds</source>
            <translation>%1 秒</translation>
        </message>
        <message>
            <source>%1 weeks</source>
            <translation>%1 周</translation>
        </message>
        <message>
            <source>%1 years</source>
            <translation>%1 年</translation>
        </message>
        <message>
            <source>%1: "%2" is not a kernel version</source>
            <translation>%1: "%2" 不是内核版本</translation>
        </message>
        <message>
            <source>%1: argument index %2 is out of range (0 to 5)</source>
            <translation>%1: 参数索引 %2 超出范围（0 到 5）</translation>
        </message>
        <message>
            <source>%1: asked for the bytes from %2 on, got "%3"</source>
            <translation>%1：请求从第 %2 字节开始的内容，得到的是 "%3"</translation>
        </message>
        <message>
            <source>%1: cannot read the body from %2: %3</source>
            <translation>%1：无法从 %2 读取请求体：%3</translation>
        </message>
        <message>
            <source>%1: digest mismatch: the %2 bytes received hash to %3</source>
            <translation>%1：摘要不匹配：收到的 %2 字节的哈希为 %3</translation>
        </message>
        <message>
            <source>%1: dockerfile contains no stages to build</source>
            <translation>%1：Dockerfile 中没有可构建的阶段</translation>
        </message>
        <message>
            <source>%1: image %2 uses it</source>
            <translation>%1: 镜像 %2 正在使用它</translation>
        </message>
        <message>
            <source>%1: it is the parent of layer %2</source>
            <translation>%1: 它是层 %2 的父层</translation>
        </message>
        <message>
            <source>%1: its blob %2 holds diffID %3, not %4</source>
            <translation>%1：其 blob %2 的 diffID 为 %3，而不是 %4</translation>
        </message>
        <message>
            <source>%1: its blob %2 unpacks to diffID %3, not %4</source>
            <translation>%1: 其 blob %2 解包后的 diffID 为 %3，而不是 %4</translation>
        </message>
        <message>
            <source>%1: its image %2 was removed</source>
            <translation>%1: 其镜像 %2 已被删除</translation>
        </message>
        <message>
            <source>%1: layer %2 has the unsupported media type "%3"</source>
            <translation>%1：层 %2 使用了不支持的媒体类型 "%3"</translation>
        </message>
        <message>
            <source>%1: layer %2 is not in the store</source>
            <translation>%1: 层 %2 不在存储中</translation>
        </message>
        <message>
            <source>%1: layer %2 of its image was removed</source>
            <translation>%1: 其镜像的层 %2 已被删除</translation>
        </message>
        <message>
            <source>%1: manifest entry %2 has an invalid digest "%3"</source>
            <translation>%1：清单条目 %2 的摘要 "%3" 无效</translation>
        </message>
        <message>
            <source>%1: no such container</source>
            <translation>%1: 没有这个容器</translation>
        </message>
        <message>
            <source>%1: no such image</source>
            <translation>%1: 没有这个镜像</translation>
        </message>
        <message>
            <source>%1: no such image %2</source>
            <translation>%1: 没有镜像 %2</translation>
        </message>
        <message>
            <source>%1: no such layer</source>
            <translation>%1: 没有这个层</translation>
        </message>
        <message>
            <source>%1: no such tag</source>
            <translation>%1: 没有这个标签</translation>
        </message>
        <message>
            <source>%1: not a directory</source>
            <translation>%1: 不是目录</translation>
        </message>
        <message>
            <source>%1: not a sha256 digest</source>
            <translation>%1: 不是 sha256 摘要</translation>
        </message>
        <message>
            <source>%1: parent layer %2 is not in the store</source>
            <translation>%1: 父层 %2 不在存储中</translation>
        </message>
        <message>
            <source>%1: pause: %2</source>
            <translation>%1: 暂停: %2</translation>
        </message>
        <message>
            <source>%1: read the changes: %2</source>
            <translation>%1: 读取变更: %2</translation>
        </message>
        <message>
            <source>%1: stopped after %2 redirects</source>
            <translation>%1：重定向 %2 次后停止</translation>
        </message>
        <message>
            <source>%1: the answer is larger than %2 bytes</source>
            <translation>%1：应答超过 %2 字节</translation>
        </message>
        <message>
            <source>%1: the catalog is not a JSON object</source>
            <translation>%1：仓库目录不是 JSON 对象</translation>
        </message>
        <message>
            <source>%1: the config lists %2 layers, the manifest %3</source>
            <translation>%1：配置列出 %2 层，清单列出 %3 层</translation>
        </message>
        <message>
            <source>%1: the connection ended after %2 bytes</source>
            <translation>%1：连接在 %2 字节后结束</translation>
        </message>
        <message>
            <source>%1: the connection ended after %2 of %3 bytes</source>
            <translation>%1：连接在 %3 字节中的 %2 字节后结束</translation>
        </message>
        <message>
            <source>%1: the index has no "manifests" list</source>
            <translation>%1：索引中没有 "manifests" 列表</translation>
        </message>
        <message>
            <source>%1: the index is not a JSON object: %2</source>
            <translation>%1：索引不是 JSON 对象：%2</translation>
        </message>
        <message>
            <source>%1: the layer was removed by another berth process</source>
            <translation>%1: 该层已被另一个 berth 进程删除</translation>
        </message>
        <message>
            <source>%1: the name "%2" is already in use by container %3</source>
            <translation>%1: 名称 "%2" 已被容器 %3 使用</translation>
        </message>
        <message>
            <source>%1: the registry began an upload but gave no Location</source>
            <translation>%1：镜像仓库开始了上传，但没有给出 Location</translation>
        </message>
        <message>
            <source>%1: the registry stored the blob as %2, not %3</source>
            <translation>%1：镜像仓库将该 blob 存为 %2，而不是 %3</translation>
        </message>
        <message>
            <source>%1: the registry stored the manifest as %2, but its bytes hash to %3</source>
            <translation>%1：镜像仓库将清单存为 %2，但其内容的哈希为 %3</translation>
        </message>
        <message>
            <source>%1: the search answer is not a JSON object</source>
            <translation>%1：搜索结果不是 JSON 对象</translation>
        </message>
        <message>
            <source>%1: the server closed the connection without an answer</source>
            <translation>%1：服务器未应答即关闭了连接</translation>
        </message>
        <message>
            <source>%1: the tag list is not a JSON object</source>
            <translation>%1：标签列表不是 JSON 对象</translation>
        </message>
        <message>
            <source>%1: the token server answered with status %2</source>
            <translation>%1：令牌服务器返回状态 %2</translation>
        </message>
        <message>
            <source>%1: the token server's answer holds no token</source>
            <translation>%1：令牌服务器的应答中没有令牌</translation>
        </message>
        <message>
            <source>%1: the token server's answer is not JSON: %2</source>
            <translation>%1：令牌服务器的应答不是 JSON：%2</translation>
        </message>
        <message>
            <source>%1: unauthorized: %2</source>
            <translation>%1：未授权：%2</translation>
        </message>
        <message>
            <source>%1: unexpected status code %2</source>
            <translation>%1：意外的状态码 %2</translation>
        </message>
        <message>
            <source>%1: unknown action "%2"</source>
            <translation>%1: 未知的动作 "%2"</translation>
        </message>
        <message>
            <source>%1: unknown comparison "%2"</source>
            <translation>%1: 未知的比较 "%2"</translation>
        </message>
        <message>
            <source>'architectures' and 'archMap' were specified in the seccomp profile, use either 'architectures' or 'archMap'</source>
            <translation>seccomp 配置文件中同时指定了 'architectures' 和 'archMap'，请只使用 'architectures' 或 'archMap' 之一</translation>
        </message>
        <message>
            <source>'name' and 'names' were specified in the seccomp profile, use either 'name' or 'names'</source>
            <translation>seccomp 配置文件中同时指定了 'name' 和 'names'，请只使用 'name' 或 'names' 之一</translation>
        </message>
        <message>
            <source>(no common name)</source>
            <translation>（无通用名称）</translation>
        </message>
        <message>
            <source>--health-interval cannot be negative</source>
            <translation>--health-interval 不能为负数</translation>
        </message>
        <message>
            <source>--health-retries cannot be negative</source>
            <translation>--health-retries 不能为负数</translation>
        </message>
        <message>
            <source>--health-start-interval cannot be negative</source>
            <translation>--health-start-interval 不能为负数</translation>
        </message>
        <message>
            <source>--health-start-period cannot be negative</source>
            <translation>--health-start-period 不能为负数</translation>
        </message>
        <message>
            <source>--health-timeout cannot be negative</source>
            <translation>--health-timeout 不能为负数</translation>
        </message>
        <message>
            <source>--mount=%1: %2</source>
            <translation>--mount=%1：%2</translation>
        </message>
        <message>
            <source>--no-healthcheck conflicts with --health-* options</source>
            <translation>--no-healthcheck 与 --health-* 选项冲突</translation>
        </message>
        <message>
            <source>--retries cannot be negative (%1)</source>
            <translation>--retries 不能为负数（%1）</translation>
        </message>
        <message>
            <source>.dockerignore: illegal exclusion pattern: "!"</source>
            <translation>.dockerignore：非法的排除模式："!"</translation>
        </message>
        <message>
            <source>.dockerignore: pattern %1: syntax error in pattern</source>
            <translation>.dockerignore：模式 %1：模式语法错误</translation>
        </message>
        <message>
            <source>1 second</source>
            <translation>1 秒</translation>
        </message>
        <message>
            <source>About a minute</source>
            <translation>大约 1 分钟</translation>
        </message>
        <message>
            <source>About an hour</source>
            <translation>大约 1 小时</translation>
        </message>
        <message>
            <source>An image does not exist locally with the tag: %1</source>
            <translation>本地不存在带有该标签的镜像：%1</translation>
        </message>
        <message>
            <source>Bad input to %1, too many arguments</source>
            <translation>%1 的输入有误，参数过多</translation>
        </message>
        <message>
            <source>Bind for %1:%2 failed: %3</source>
            <translation>绑定 %1:%2 失败: %3</translation>
        </message>
        <message>
            <source>Bind for %1:%2 failed: port is already allocated</source>
            <translation>绑定 %1:%2 失败: 端口已被占用</translation>
        </message>
        <message>
            <source>Cannot kill container: %1: %2</source>
            <translation>无法终止容器: %1: %2</translation>
        </message>
        <message>
            <source>Cannot update container %1: %2</source>
            <translation>无法更新容器 %1: %2</translation>
        </message>
        <message>
            <source>Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed</source>
            <translation>不允许通过 `ONBUILD ONBUILD` 链式使用 ONBUILD</translation>
        </message>
        <message>
            <source>Conflict. The container name "/%1" is already in use by container "%2". You have to remove (or rename) that container to be able to reuse that name.</source>
            <translation>冲突。容器名称 "/%1" 已被容器 "%2" 使用。必须先删除（或重命名）该容器才能重新使用这个名称。</translation>
        </message>
        <message>
            <source>Conflicting options: --restart and --rm</source>
            <translation>选项冲突: --restart 和 --rm</translation>
        </message>
        <message>
            <source>Conflicting options: CPU Quota or Period cannot be updated as NanoCPUs has already been set</source>
            <translation>选项冲突: 已设置 NanoCPUs，不能再更新 CPU Quota 或 Period</translation>
        </message>
        <message>
            <source>Conflicting options: Nano CPUs and CPU Period/Quota cannot both be set</source>
            <translation>选项冲突: 不能同时设置 Nano CPUs 和 CPU Period/Quota</translation>
        </message>
        <message>
            <source>Conflicting options: Nano CPUs cannot be updated as CPU Period/Quota has already been set</source>
            <translation>选项冲突: 已设置 CPU Period/Quota，不能再更新 Nano CPUs</translation>
        </message>
        <message>
            <source>Conflicting options: hostname and the network mode</source>
            <translation>选项冲突: hostname 与网络模式</translation>
        </message>
        <message>
            <source>Conflicting options: port publishing and the container type network mode</source>
            <translation>选项冲突: 端口发布与 container 类型的网络模式</translation>
        </message>
        <message>
            <source>Container %1 is already paused</source>
            <translation>容器 %1 已经暂停</translation>
        </message>
        <message>
            <source>Container %1 is not paused</source>
            <translation>容器 %1 未暂停</translation>
        </message>
        <message>
            <source>Container %1 is not running</source>
            <translation>容器 %1 未在运行</translation>
        </message>
        <message>
            <source>Container %1 is paused, unpause the container before exec</source>
            <translation>容器 %1 已暂停，请先恢复容器再执行 exec</translation>
        </message>
        <message>
            <source>Container %1 is restarting, wait until the container is running</source>
            <translation>容器 %1 正在重启，请等待容器运行</translation>
        </message>
        <message>
            <source>Could not find the file %1 in container %2</source>
            <translation>在容器 %2 中找不到文件 %1</translation>
        </message>
        <message>
            <source>Decoding seccomp profile failed: %1</source>
            <translation>解码 seccomp 配置文件失败: %1</translation>
        </message>
        <message>
            <source>Empty continuation line found in: %1</source>
            <translation>发现空的续行：%1</translation>
        </message>
        <message>
            <source>FROM requires either one or three arguments</source>
            <translation>FROM 需要一个或三个参数</translation>
        </message>
        <message>
            <source>Get "%1": no basic auth credentials</source>
            <translation>Get "%1"：没有 Basic 认证凭据</translation>
        </message>
        <message>
            <source>HEALTHCHECK NONE takes no arguments</source>
            <translation>HEALTHCHECK NONE 不接受参数</translation>
        </message>
        <message>
            <source>Interval "%1" cannot be less than 1ms</source>
            <translation>间隔 "%1" 不能小于 1ms</translation>
        </message>
        <message>
            <source>Invalid %1: %2</source>
            <translation>无效的 %1: %2</translation>
        </message>
        <message>
            <source>Invalid container name (%1), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed</source>
            <translation>无效的容器名称（%1），只允许使用 [a-zA-Z0-9][a-zA-Z0-9_.-]</translation>
        </message>
        <message>
            <source>Invalid proto: %1</source>
            <translation>无效的协议: %1</translation>
        </message>
        <message>
            <source>Invalid ranges specified for container and host Ports: %1 and %2</source>
            <translation>为容器端口和主机端口指定的范围无效: %1 和 %2</translation>
        </message>
        <message>
            <source>Invalid signal: %1</source>
            <translation>无效的信号: %1</translation>
        </message>
        <message>
            <source>Less than a second</source>
            <translation>不到 1 秒</translation>
        </message>
        <message>
            <source>Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time</source>
            <translation>内存限制应小于已设置的 memoryswap 限制，请同时更新 memoryswap</translation>
        </message>
        <message>
            <source>Missing command after HEALTHCHECK CMD</source>
            <translation>HEALTHCHECK CMD 之后缺少命令</translation>
        </message>
        <message>
            <source>No command specified</source>
            <translation>未指定命令</translation>
        </message>
        <message>
            <source>No exec command specified</source>
            <translation>未指定 exec 命令</translation>
        </message>
        <message>
            <source>No port specified: %1&lt;empty&gt;</source>
            <translation>未指定端口: %1&lt;empty&gt;</translation>
        </message>
        <message>
            <source>No such container: %1</source>
            <translation>没有这个容器: %1</translation>
        </message>
        <message>
            <source>No such image: %1</source>
            <translation>没有这个镜像: %1</translation>
        </message>
        <message>
            <source>Renaming a container with the same name as its current name</source>
            <translation>重命名容器时使用了与当前名称相同的名称</translation>
        </message>
        <message>
            <source>Restart policy cannot be updated because AutoRemove is enabled for the container</source>
            <translation>该容器已启用 AutoRemove，无法更新重启策略</translation>
        </message>
        <message>
            <source>SHELL requires the arguments to be in JSON form</source>
            <translation>SHELL 的参数必须使用 JSON 形式</translation>
        </message>
        <message>
            <source>Syntax error - can't find = in %1. Must be of the form: name=value</source>
            <translation>语法错误 - 在 %1 中找不到 =。格式必须为：name=value</translation>
        </message>
        <message>
            <source>TLS handshake failed: %1</source>
            <translation>TLS 握手失败：%1</translation>
        </message>
        <message>
            <source>Unknown type "%1" in HEALTHCHECK (try CMD)</source>
            <translation>HEALTHCHECK 中的类型 "%1" 未知（请尝试 CMD）</translation>
        </message>
        <message>
            <source>VOLUME specified can not be an empty string</source>
            <translation>VOLUME 指定的路径不能为空字符串</translation>
        </message>
        <message>
            <source>WARNING: Error loading config file: %1: %2</source>
            <translation>警告：加载配置文件出错：%1：%2</translation>
        </message>
        <message>
            <source>WARNING: cannot run the docker credential helper %1: %2</source>
            <translation>警告：无法运行 docker 凭据助手 %1：%2</translation>
        </message>
        <message>
            <source>WARNING: the docker credential helper %1 did not answer within %2 seconds</source>
            <translation>警告：docker 凭据助手 %1 在 %2 秒内没有响应</translation>
        </message>
        <message>
            <source>WARNING: the docker credential helper %1 failed for %2: %3</source>
            <translation>警告：docker 凭据助手 %1 处理 %2 失败：%3</translation>
        </message>
        <message>
            <source>WARNING: using the credentials for %1 that %2 keeps in plain text; `berth login %1` keeps them in the system keychain instead</source>
            <translation>警告：正在使用 %2 以明文保存的 %1 凭据；`berth login %1` 会改为将其保存在系统钥匙串中</translation>
        </message>
        <message>
            <source>You cannot attach to a paused container, unpause it first</source>
            <translation>无法附加到已暂停的容器，请先恢复它</translation>
        </message>
        <message>
            <source>You cannot attach to a restarting container, wait until it is running</source>
            <translation>无法附加到正在重启的容器，请等到它运行后再试</translation>
        </message>
        <message>
            <source>You cannot attach to a stopped container, start it first</source>
            <translation>无法附加到已停止的容器，请先启动它</translation>
        </message>
        <message>
            <source>You cannot remove a %1 container %2. Stop the container before attempting removal or force remove</source>
            <translation>不能删除状态为 %1 的容器 %2。请先停止容器再删除，或者强制删除</translation>
        </message>
        <message>
            <source>absolute path not allowed in a layer</source>
            <translation>层中不允许使用绝对路径</translation>
        </message>
        <message>
            <source>add container %1</source>
            <translation>添加容器 %1</translation>
        </message>
        <message>
            <source>add image %1</source>
            <translation>添加镜像 %1</translation>
        </message>
        <message>
            <source>add layer %1</source>
            <translation>添加层 %1</translation>
        </message>
        <message>
            <source>add repo digest %1 to image %2</source>
            <translation>为镜像 %2 添加仓库摘要 %1</translation>
        </message>
        <message>
            <source>after array element</source>
            <translation>在数组元素之后</translation>
        </message>
        <message>
            <source>after decimal point in numeric literal</source>
            <translation>在数字字面量的小数点之后</translation>
        </message>
        <message>
            <source>after object key</source>
            <translation>在对象键之后</translation>
        </message>
        <message>
            <source>after object key:value pair</source>
            <translation>在对象键值对之后</translation>
        </message>
        <message>
            <source>after top-level value</source>
            <translation>在顶层值之后</translation>
        </message>
        <message>
            <source>analyze image %1: layer %2 has no record</source>
            <translation>分析镜像 %1：层 %2 没有记录</translation>
        </message>
        <message>
            <source>analyze layer</source>
            <translation>分析层</translation>
        </message>
        <message>
            <source>analyze layer %1</source>
            <translation>分析层 %1</translation>
        </message>
        <message>
            <source>arg should start with -- : %1</source>
            <translation>参数应以 -- 开头：%1</translation>
        </message>
        <message>
            <source>attach to container %1: %2</source>
            <translation>附加到容器 %1：%2</translation>
        </message>
        <message>
            <source>authentication required</source>
            <translation>需要身份验证</translation>
        </message>
        <message>
            <source>bad number syntax: "%1"</source>
            <translation>数字语法错误: "%1"</translation>
        </message>
        <message>
            <source>base name (%1) should not be blank</source>
            <translation>基础镜像名（%1）不能为空</translation>
        </message>
        <message>
            <source>blob %1 from %2</source>
            <translation>来自 %2 的数据块 %1</translation>
        </message>
        <message>
            <source>blob %1 of %2 is %3 bytes, more than the %4 an image config may have</source>
            <translation>%2 的数据块 %1 有 %3 字节，超过镜像配置允许的 %4 字节</translation>
        </message>
        <message>
            <source>can't evaluate field %1 in type %2</source>
            <translation>无法在类型 %2 中求值字段 %1</translation>
        </message>
        <message>
            <source>can't give argument to non-function %1</source>
            <translation>不能向非函数 %1 传递参数</translation>
        </message>
        <message>
            <source>can't index item of type %1</source>
            <translation>无法索引类型为 %1 的项</translation>
        </message>
        <message>
            <source>cancelled</source>
            <translation>已取消</translation>
        </message>
        <message>
            <source>cannot copy a directory to a file: %1</source>
            <translation>不能将目录复制到文件: %1</translation>
        </message>
        <message>
            <source>cannot initialize the decoder</source>
            <translation>无法初始化解码器</translation>
        </message>
        <message>
            <source>cannot join network of a non running container: %1</source>
            <translation>无法加入未运行容器的网络：%1</translation>
        </message>
        <message>
            <source>cannot keep the credentials for %1: %2. Berth does not write passwords to disk; give them per command instead, e.g. BERTH_REGISTRY_USER=&lt;user&gt; BERTH_REGISTRY_PASSWORD="$(cat &lt;file&gt;)" berth pull ...</source>
            <translation>无法保存 %1 的凭据：%2。Berth 不会把密码写入磁盘；请改为在每条命令中提供凭据，例如 BERTH_REGISTRY_USER=&lt;user&gt; BERTH_REGISTRY_PASSWORD="$(cat &lt;file&gt;)" berth pull ...</translation>
        </message>
        <message>
            <source>cannot overwrite directory %1 with non-directory</source>
            <translation>不能用非目录覆盖目录 %1</translation>
        </message>
        <message>
            <source>cannot push a digest reference</source>
            <translation>不能推送摘要引用</translation>
        </message>
        <message>
            <source>certificate "%1" issued by "%2": %3</source>
            <translation>由 "%2" 签发的证书 "%1"：%3</translation>
        </message>
        <message>
            <source>change mode</source>
            <translation>修改权限</translation>
        </message>
        <message>
            <source>change mode of</source>
            <translation>修改权限</translation>
        </message>
        <message>
            <source>change owner</source>
            <translation>修改所有者</translation>
        </message>
        <message>
            <source>change owner of</source>
            <translation>修改所有者</translation>
        </message>
        <message>
            <source>check layer</source>
            <translation>检查层</translation>
        </message>
        <message>
            <source>checkpoint the database</source>
            <translation>为数据库执行检查点</translation>
        </message>
        <message>
            <source>checksum mismatch</source>
            <translation>校验和不匹配</translation>
        </message>
        <message>
            <source>chmod ingest file</source>
            <translation>chmod 接收文件</translation>
        </message>
        <message>
            <source>circular dependency detected on stage: %1</source>
            <translation>检测到阶段的循环依赖：%1</translation>
        </message>
        <message>
            <source>client certificate for registry %1: %2 has no %3 beside it</source>
            <translation>仓库 %1 的客户端证书：%2 旁边没有 %3</translation>
        </message>
        <message>
            <source>comment ends before closing delimiter</source>
            <translation>注释在结束定界符之前结束</translation>
        </message>
        <message>
            <source>commit blob</source>
            <translation>提交 blob</translation>
        </message>
        <message>
            <source>commit blob %1: digest mismatch, expected %1, actual %2</source>
            <translation>提交 blob %1: 摘要不匹配，应为 %1，实际为 %2</translation>
        </message>
        <message>
            <source>commit blob %1: rename to</source>
            <translation>提交 blob %1: 重命名为</translation>
        </message>
        <message>
            <source>commit blob %1: size mismatch, expected %2 bytes, got %3 (digest %4)</source>
            <translation>提交 blob %1: 大小不匹配，应为 %2 字节，实际为 %3（摘要 %4）</translation>
        </message>
        <message>
            <source>commit container %1</source>
            <translation>提交容器 %1</translation>
        </message>
        <message>
            <source>commit ingest %1: already committed or aborted</source>
            <translation>提交接收任务 %1: 已提交或已中止</translation>
        </message>
        <message>
            <source>compile seccomp profile: %1</source>
            <translation>编译 seccomp 配置文件：%1</translation>
        </message>
        <message>
            <source>compress layer %1</source>
            <translation>压缩层 %1</translation>
        </message>
        <message>
            <source>config %1</source>
            <translation>配置 %1</translation>
        </message>
        <message>
            <source>configure database %1: cannot switch to WAL journal mode (got "%2")</source>
            <translation>配置数据库 %1: 无法切换到 WAL 日志模式（实际为 "%2"）</translation>
        </message>
        <message>
            <source>configure the connection</source>
            <translation>配置连接</translation>
        </message>
        <message>
            <source>conflict: unable to delete %1 (cannot be forced) - image has dependent child images</source>
            <translation>冲突: 无法删除 %1（不能强制删除）- 镜像有依赖它的子镜像</translation>
        </message>
        <message>
            <source>conflict: unable to delete %1 (cannot be forced) - image is being used by running container %2</source>
            <translation>冲突: 无法删除 %1（不能强制删除）- 镜像正被运行中的容器 %2 使用</translation>
        </message>
        <message>
            <source>conflict: unable to delete %1 (must be forced) - image is being used by stopped container %2</source>
            <translation>冲突: 无法删除 %1（必须强制删除）- 镜像正被已停止的容器 %2 使用</translation>
        </message>
        <message>
            <source>conflict: unable to delete %1 (must be forced) - image is referenced in multiple repositories</source>
            <translation>冲突: 无法删除 %1（必须强制删除）- 镜像被多个仓库引用</translation>
        </message>
        <message>
            <source>conflict: unable to remove repository reference "%1" (must force) - container %2 is using its referenced image %3</source>
            <translation>冲突: 无法移除仓库引用 "%1"（必须强制移除）- 容器 %2 正在使用其引用的镜像 %3</translation>
        </message>
        <message>
            <source>conflicting options: hostname and the network mode</source>
            <translation>选项冲突：主机名与网络模式</translation>
        </message>
        <message>
            <source>conflicting options: port publishing and the container type network mode</source>
            <translation>选项冲突：端口发布与容器类型的网络模式</translation>
        </message>
        <message>
            <source>container %1 is not running</source>
            <translation>容器 %1 未在运行</translation>
        </message>
        <message>
            <source>container %1: its image %2 was removed</source>
            <translation>容器 %1: 其镜像 %2 已被删除</translation>
        </message>
        <message>
            <source>copy</source>
            <translation>复制</translation>
        </message>
        <message>
            <source>copy file</source>
            <translation>复制文件</translation>
        </message>
        <message>
            <source>copy from container %1</source>
            <translation>从容器 %1 复制</translation>
        </message>
        <message>
            <source>copy layer %1 into %2</source>
            <translation>将层 %1 复制到 %2</translation>
        </message>
        <message>
            <source>copy the image's %1 into volume %2</source>
            <translation>将镜像的 %1 复制到卷 %2</translation>
        </message>
        <message>
            <source>copy to container %1</source>
            <translation>复制到容器 %1</translation>
        </message>
        <message>
            <source>create</source>
            <translation>创建</translation>
        </message>
        <message>
            <source>create %1: "%1" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path</source>
            <translation>创建 %1: "%1" 包含本地卷名称不允许的字符，只允许使用 "[a-zA-Z0-9][a-zA-Z0-9_.-]"。如果想传入主机目录，请使用绝对路径</translation>
        </message>
        <message>
            <source>create %1: %2</source>
            <translation>创建 %1: %2</translation>
        </message>
        <message>
            <source>create a pipe for</source>
            <translation>创建管道，用于</translation>
        </message>
        <message>
            <source>create container: make directory %1/%2</source>
            <translation>创建容器: 创建目录 %1/%2</translation>
        </message>
        <message>
            <source>create device node</source>
            <translation>创建设备节点</translation>
        </message>
        <message>
            <source>create directory</source>
            <translation>创建目录</translation>
        </message>
        <message>
            <source>create fifo</source>
            <translation>创建 fifo</translation>
        </message>
        <message>
            <source>create file</source>
            <translation>创建文件</translation>
        </message>
        <message>
            <source>create hard link</source>
            <translation>创建硬链接</translation>
        </message>
        <message>
            <source>create hard link to</source>
            <translation>创建硬链接，目标为</translation>
        </message>
        <message>
            <source>create ingest file in</source>
            <translation>创建接收文件，所在目录</translation>
        </message>
        <message>
            <source>create node</source>
            <translation>创建节点</translation>
        </message>
        <message>
            <source>create symbolic link</source>
            <translation>创建符号链接</translation>
        </message>
        <message>
            <source>create symlink</source>
            <translation>创建符号链接</translation>
        </message>
        <message>
            <source>create whiteout device</source>
            <translation>创建 whiteout 设备</translation>
        </message>
        <message>
            <source>decoder error %1</source>
            <translation>解码器错误 %1</translation>
        </message>
        <message>
            <source>decompress %1 stream</source>
            <translation>解压 %1 流</translation>
        </message>
        <message>
            <source>decompress %1 stream %2</source>
            <translation>解压 %1 流 %2</translation>
        </message>
        <message>
            <source>dest cannot be a heredoc</source>
            <translation>目标不能是 heredoc</translation>
        </message>
        <message>
            <source>destination directory %1 does not exist</source>
            <translation>目标目录 %1 不存在</translation>
        </message>
        <message>
            <source>diff container %1</source>
            <translation>比较容器 %1 的变更</translation>
        </message>
        <message>
            <source>duplicate flag specified: %1</source>
            <translation>重复指定的标志：%1</translation>
        </message>
        <message>
            <source>duplicate stage name %1</source>
            <translation>重复的阶段名称 %1</translation>
        </message>
        <message>
            <source>empty name</source>
            <translation>名称为空</translation>
        </message>
        <message>
            <source>end of archive</source>
            <translation>归档已结束</translation>
        </message>
        <message>
            <source>entry "%1"</source>
            <translation>条目 "%1"</translation>
        </message>
        <message>
            <source>entry "%1": %2</source>
            <translation>条目 "%1": %2</translation>
        </message>
        <message>
            <source>error calling %1: %2</source>
            <translation>调用 %1 出错: %2</translation>
        </message>
        <message>
            <source>exec failed: unable to start container process: %1</source>
            <translation>exec 失败: 无法启动容器进程: %1</translation>
        </message>
        <message>
            <source>exec in container %1: %2</source>
            <translation>在容器 %1 中执行：%2</translation>
        </message>
        <message>
            <source>exec in container %1: read %2: %3</source>
            <translation>在容器 %1 中执行 exec: 读取 %2: %3</translation>
        </message>
        <message>
            <source>executing "" at &lt;%1&gt;: %2</source>
            <translation>在 &lt;%1&gt; 处执行 "": %2</translation>
        </message>
        <message>
            <source>expected {{end}} after {{else}} of {{%1}}</source>
            <translation>{{%1}} 的 {{else}} 之后应为 {{end}}</translation>
        </message>
        <message>
            <source>expecting boolean value for flag %1, not: %2</source>
            <translation>标志 %1 需要布尔值，而不是：%2</translation>
        </message>
        <message>
            <source>export container %1</source>
            <translation>导出容器 %1</translation>
        </message>
        <message>
            <source>extend sparse file</source>
            <translation>扩展稀疏文件</translation>
        </message>
        <message>
            <source>extraction point is not a directory</source>
            <translation>解压位置不是目录</translation>
        </message>
        <message>
            <source>failed to create task for container: %1</source>
            <translation>无法为容器创建任务: %1</translation>
        </message>
        <message>
            <source>file with no instructions</source>
            <translation>文件中没有任何指令</translation>
        </message>
        <message>
            <source>find container %1</source>
            <translation>查找容器 %1</translation>
        </message>
        <message>
            <source>find containers with id %1</source>
            <translation>查找 ID 为 %1 的容器</translation>
        </message>
        <message>
            <source>find hard link target</source>
            <translation>查找硬链接目标</translation>
        </message>
        <message>
            <source>find images with ID prefix %1</source>
            <translation>查找 ID 前缀为 %1 的镜像</translation>
        </message>
        <message>
            <source>from is not supported for %1 mounts</source>
            <translation>%1 挂载不支持 from</translation>
        </message>
        <message>
            <source>fsync</source>
            <translation>fsync</translation>
        </message>
        <message>
            <source>function "%1" not defined</source>
            <translation>函数 "%1" 未定义</translation>
        </message>
        <message>
            <source>get %1: no such volume</source>
            <translation>获取 %1: 没有这个卷</translation>
        </message>
        <message>
            <source>gzip compress: deflate failed</source>
            <translation>gzip 压缩: deflate 失败</translation>
        </message>
        <message>
            <source>gzip compress: write after finish</source>
            <translation>gzip 压缩: 在结束后写入</translation>
        </message>
        <message>
            <source>hard link target "%1" escapes the layer root</source>
            <translation>硬链接目标 "%1" 超出了层的根目录</translation>
        </message>
        <message>
            <source>hard link target "%1" goes through a symbolic link</source>
            <translation>硬链接目标 "%1" 经过了符号链接</translation>
        </message>
        <message>
            <source>hard link target "%1" is an absolute path</source>
            <translation>硬链接目标 "%1" 是绝对路径</translation>
        </message>
        <message>
            <source>image %1</source>
            <translation>镜像 %1</translation>
        </message>
        <message>
            <source>image %1 is for %2, not the requested platform %3</source>
            <translation>镜像 %1 适用于 %2，而不是所请求的平台 %3</translation>
        </message>
        <message>
            <source>image config has no rootfs of type "layers"</source>
            <translation>镜像配置中没有类型为 "layers" 的 rootfs</translation>
        </message>
        <message>
            <source>import</source>
            <translation>导入</translation>
        </message>
        <message>
            <source>in \u hexadecimal character escape</source>
            <translation>在 \u 十六进制字符转义中</translation>
        </message>
        <message>
            <source>in exponent of numeric literal</source>
            <translation>在数字字面量的指数中</translation>
        </message>
        <message>
            <source>in literal %1</source>
            <translation>在字面量 %1 中</translation>
        </message>
        <message>
            <source>in string escape code</source>
            <translation>在字符串转义码中</translation>
        </message>
        <message>
            <source>in string literal</source>
            <translation>在字符串字面量中</translation>
        </message>
        <message>
            <source>incompatible types for comparison</source>
            <translation>比较的类型不兼容</translation>
        </message>
        <message>
            <source>incorrect username or password</source>
            <translation>用户名或密码错误</translation>
        </message>
        <message>
            <source>index %1</source>
            <translation>索引 %1</translation>
        </message>
        <message>
            <source>index of untyped nil</source>
            <translation>对无类型的 nil 进行索引</translation>
        </message>
        <message>
            <source>index out of range: %1</source>
            <translation>索引超出范围: %1</translation>
        </message>
        <message>
            <source>inspect</source>
            <translation>检查</translation>
        </message>
        <message>
            <source>inspect existing entry</source>
            <translation>检查已有条目</translation>
        </message>
        <message>
            <source>invalid --security-opt: %1</source>
            <translation>无效的 --security-opt: %1</translation>
        </message>
        <message>
            <source>invalid IP address: %1</source>
            <translation>无效的 IP 地址：%1</translation>
        </message>
        <message>
            <source>invalid character '%1' %2</source>
            <translation>%2出现无效字符 '%1'</translation>
        </message>
        <message>
            <source>invalid checksum digest length or characters in %1</source>
            <translation>%1 中的校验和摘要长度或字符无效</translation>
        </message>
        <message>
            <source>invalid compressed data</source>
            <translation>无效的压缩数据</translation>
        </message>
        <message>
            <source>invalid deflate data</source>
            <translation>无效的 deflate 数据</translation>
        </message>
        <message>
            <source>invalid diff_id "%1" in image config</source>
            <translation>镜像配置中的 diff_id "%1" 无效</translation>
        </message>
        <message>
            <source>invalid escape token '%1' does not match ` or \</source>
            <translation>无效的转义字符 '%1'，必须是 ` 或 \</translation>
        </message>
        <message>
            <source>invalid field '%1' must be a key=value pair</source>
            <translation>无效的字段 '%1'，必须是 key=value 形式的键值对</translation>
        </message>
        <message>
            <source>invalid gzip header</source>
            <translation>无效的 gzip 头</translation>
        </message>
        <message>
            <source>invalid image config JSON: %1</source>
            <translation>无效的镜像配置 JSON: %1</translation>
        </message>
        <message>
            <source>invalid manifest JSON: %1</source>
            <translation>无效的清单 JSON: %1</translation>
        </message>
        <message>
            <source>invalid max-size: %1</source>
            <translation>无效的 max-size: %1</translation>
        </message>
        <message>
            <source>invalid mode: %1</source>
            <translation>无效的模式: %1</translation>
        </message>
        <message>
            <source>invalid mount config for type "%1": field Target must not be empty</source>
            <translation>类型 "%1" 的挂载配置无效: 字段 Target 不能为空</translation>
        </message>
        <message>
            <source>invalid mount config for type "bind": bind source path does not exist: %1</source>
            <translation>类型 "bind" 的挂载配置无效: 绑定源路径不存在: %1</translation>
        </message>
        <message>
            <source>invalid mount config for type "bind": field Source must not be empty</source>
            <translation>类型 "bind" 的挂载配置无效: 字段 Source 不能为空</translation>
        </message>
        <message>
            <source>invalid mount type: %1</source>
            <translation>无效的挂载类型: %1</translation>
        </message>
        <message>
            <source>invalid name for build stage: %1, name can't start with a number or contain symbols</source>
            <translation>构建阶段名称无效：%1，名称不能以数字开头或包含符号</translation>
        </message>
        <message>
            <source>invalid port "%1" in EXPOSE</source>
            <translation>EXPOSE 中的端口 "%1" 无效</translation>
        </message>
        <message>
            <source>invalid reference format</source>
            <translation>无效的引用格式</translation>
        </message>
        <message>
            <source>invalid reference format: %1</source>
            <translation>无效的引用格式: %1</translation>
        </message>
        <message>
            <source>invalid repository name (%1), cannot specify 64-byte hexadecimal strings</source>
            <translation>无效的仓库名称（%1），不能使用 64 字节的十六进制字符串</translation>
        </message>
        <message>
            <source>invalid restart policy format: maximum retry count must be an integer</source>
            <translation>无效的重启策略格式: 最大重试次数必须是整数</translation>
        </message>
        <message>
            <source>invalid restart policy: maximum retry count can only be used with 'on-failure'</source>
            <translation>无效的重启策略: 最大重试次数只能与 'on-failure' 一起使用</translation>
        </message>
        <message>
            <source>invalid restart policy: unknown policy '%1'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'</source>
            <translation>无效的重启策略: 未知的策略 '%1'；请使用 'no'、'always'、'on-failure' 或 'unless-stopped' 之一</translation>
        </message>
        <message>
            <source>invalid syntax in quoted string</source>
            <translation>引号字符串中的语法无效</translation>
        </message>
        <message>
            <source>invalid type for comparison</source>
            <translation>无效的比较类型</translation>
        </message>
        <message>
            <source>invalid ulimit argument: %1</source>
            <translation>无效的 ulimit 参数: %1</translation>
        </message>
        <message>
            <source>invalid ulimit type: %1</source>
            <translation>无效的 ulimit 类型: %1</translation>
        </message>
        <message>
            <source>invalid value %1 for %2</source>
            <translation>%2 的值 %1 无效</translation>
        </message>
        <message>
            <source>invalid value for %1: %2</source>
            <translation>%1 的值无效：%2</translation>
        </message>
        <message>
            <source>invalid volume specification: '%1'</source>
            <translation>无效的卷规格: '%1'</translation>
        </message>
        <message>
            <source>invalid volume specification: '%1': invalid mount config for type "%2": invalid mount path: '%3' mount path must be absolute</source>
            <translation>无效的卷规格: '%1': 类型 "%2" 的挂载配置无效: 无效的挂载路径: '%3'，挂载路径必须是绝对路径</translation>
        </message>
        <message>
            <source>invalid whiteout name</source>
            <translation>无效的 whiteout 名称</translation>
        </message>
        <message>
            <source>is not a known setting</source>
            <translation>不是已知的设置项</translation>
        </message>
        <message>
            <source>is not allowed to be empty</source>
            <translation>不允许为空</translation>
        </message>
        <message>
            <source>is not allowed to be unset</source>
            <translation>不允许未设置</translation>
        </message>
        <message>
            <source>layer</source>
            <translation>层</translation>
        </message>
        <message>
            <source>layer %1</source>
            <translation>层 %1</translation>
        </message>
        <message>
            <source>layer %1 has diffID %2, but the image config expects %3</source>
            <translation>层 %1 的 diffID 为 %2，但镜像配置要求 %3</translation>
        </message>
        <message>
            <source>layer blob %1 was removed by another berth process; try again</source>
            <translation>层 blob %1 已被另一个 berth 进程删除；请重试</translation>
        </message>
        <message>
            <source>len of type %1</source>
            <translation>对类型 %1 求 len</translation>
        </message>
        <message>
            <source>link seccomp program %1 to %2: %3</source>
            <translation>将 seccomp 程序 %1 链接到 %2：%3</translation>
        </message>
        <message>
            <source>list compressed blobs of stored layers</source>
            <translation>列出已存储层的压缩 blob</translation>
        </message>
        <message>
            <source>list containers</source>
            <translation>列出容器</translation>
        </message>
        <message>
            <source>list containers of image %1</source>
            <translation>列出镜像 %1 的容器</translation>
        </message>
        <message>
            <source>list extended attributes of</source>
            <translation>列出扩展属性</translation>
        </message>
        <message>
            <source>list images</source>
            <translation>列出镜像</translation>
        </message>
        <message>
            <source>list layers</source>
            <translation>列出层</translation>
        </message>
        <message>
            <source>list repo digests</source>
            <translation>列出仓库摘要</translation>
        </message>
        <message>
            <source>list repo digests of image %1</source>
            <translation>列出镜像 %1 的仓库摘要</translation>
        </message>
        <message>
            <source>list tags</source>
            <translation>列出标签</translation>
        </message>
        <message>
            <source>list tags of image %1</source>
            <translation>列出镜像 %1 的标签</translation>
        </message>
        <message>
            <source>list the repositories of %1 holding blob %2</source>
            <translation>列出 %1 中含有 blob %2 的仓库</translation>
        </message>
        <message>
            <source>list unreferenced layers</source>
            <translation>列出未被引用的层</translation>
        </message>
        <message>
            <source>load</source>
            <translation>加载</translation>
        </message>
        <message>
            <source>load layer %1</source>
            <translation>加载层 %1</translation>
        </message>
        <message>
            <source>load the registry module %1: %2</source>
            <translation>加载镜像仓库模块 %1：%2</translation>
        </message>
        <message>
            <source>load the registry module: berth-registry.so is not installed next to %1 or in %2</source>
            <translation>加载镜像仓库模块：berth-registry.so 既未安装在 %1 旁边，也不在 %2 中</translation>
        </message>
        <message>
            <source>load: blob %1 does not match its digest</source>
            <translation>加载: blob %1 与其摘要不匹配</translation>
        </message>
        <message>
            <source>load: blob %1 named in index.json is missing from the archive</source>
            <translation>加载: 归档中缺少 index.json 中指定的 blob %1</translation>
        </message>
        <message>
            <source>load: config %1 is missing from the archive</source>
            <translation>加载: 归档中缺少配置 %1</translation>
        </message>
        <message>
            <source>load: config %1 named in manifest.json is missing from the archive</source>
            <translation>加载: 归档中缺少 manifest.json 中指定的配置 %1</translation>
        </message>
        <message>
            <source>load: corrupt or truncated archive: %1</source>
            <translation>加载: 归档已损坏或被截断: %1</translation>
        </message>
        <message>
            <source>load: image %1 lists %2 layers in its config but %3 in its manifest</source>
            <translation>加载: 镜像 %1 的配置中列出了 %2 个层，但清单中列出了 %3 个</translation>
        </message>
        <message>
            <source>load: invalid image name "%1" in the archive</source>
            <translation>加载: 归档中的镜像名称 "%1" 无效</translation>
        </message>
        <message>
            <source>load: layer %1 does not match its digest (got %2)</source>
            <translation>加载: 层 %1 与其摘要不匹配（实际为 %2）</translation>
        </message>
        <message>
            <source>load: layer %1 is missing from the archive</source>
            <translation>加载: 归档中缺少层 %1</translation>
        </message>
        <message>
            <source>load: layer %1 named in manifest.json is missing from the archive</source>
            <translation>加载: 归档中缺少 manifest.json 中指定的层 %1</translation>
        </message>
        <message>
            <source>load: layer %1 of image %2 has diffID %3, but the config expects %4</source>
            <translation>加载: 镜像 %2 的层 %1 的 diffID 为 %3，但配置中应为 %4</translation>
        </message>
        <message>
            <source>load: manifest %1</source>
            <translation>加载: 清单 %1</translation>
        </message>
        <message>
            <source>load: manifest.json is not valid: %1</source>
            <translation>加载: manifest.json 无效: %1</translation>
        </message>
        <message>
            <source>load: the archive has neither manifest.json nor index.json; is it made by "docker save" or an OCI image layout?</source>
            <translation>加载: 归档中既没有 manifest.json 也没有 index.json；它是由 "docker save" 生成的，还是 OCI 镜像布局？</translation>
        </message>
        <message>
            <source>load: the input is not a tar archive: %1</source>
            <translation>加载: 输入不是 tar 归档: %1</translation>
        </message>
        <message>
            <source>lock</source>
            <translation>加锁</translation>
        </message>
        <message>
            <source>login attempt to %1 failed with status: %2 %3</source>
            <translation>登录 %1 失败，状态：%2 %3</translation>
        </message>
        <message>
            <source>look up tag %1</source>
            <translation>查找标签 %1</translation>
        </message>
        <message>
            <source>look up the compressed blob of layer %1</source>
            <translation>查找层 %1 的压缩 blob</translation>
        </message>
        <message>
            <source>looking for beginning of object key string</source>
            <translation>查找对象键字符串的开头时</translation>
        </message>
        <message>
            <source>looking for beginning of value</source>
            <translation>查找值的开头时</translation>
        </message>
        <message>
            <source>lstat</source>
            <translation>lstat</translation>
        </message>
        <message>
            <source>manifest</source>
            <translation>清单</translation>
        </message>
        <message>
            <source>manifest %1</source>
            <translation>清单 %1</translation>
        </message>
        <message>
            <source>manifest for %1 has the unsupported media type "%2"</source>
            <translation>%1 的清单使用了不支持的媒体类型 "%2"</translation>
        </message>
        <message>
            <source>manifest for %1 not found: %2</source>
            <translation>未找到 %1 的清单：%2</translation>
        </message>
        <message>
            <source>manifest for %1: the registry says its digest is %2, but its bytes hash to %3</source>
            <translation>%1 的清单：镜像仓库声明其摘要为 %2，但其内容的哈希为 %3</translation>
        </message>
        <message>
            <source>manifest for %1: the registry sent a manifest whose digest is %2</source>
            <translation>%1 的清单：镜像仓库发来的清单摘要为 %2</translation>
        </message>
        <message>
            <source>manifest has no valid config digest</source>
            <translation>清单中没有有效的配置摘要</translation>
        </message>
        <message>
            <source>manifest lists an invalid layer digest "%1"</source>
            <translation>清单中列出了无效的层摘要 "%1"</translation>
        </message>
        <message>
            <source>manifest schema version %1 is not supported (only schema 2)</source>
            <translation>不支持清单 schema 版本 %1（仅支持 schema 2）</translation>
        </message>
        <message>
            <source>mark layer %1 unpacked</source>
            <translation>将层 %1 标记为已解包</translation>
        </message>
        <message>
            <source>migrate schema to version %1</source>
            <translation>将 schema 迁移到版本 %1</translation>
        </message>
        <message>
            <source>missing a value on flag: %1</source>
            <translation>标志缺少值：%1</translation>
        </message>
        <message>
            <source>missing argument for comparison</source>
            <translation>缺少比较参数</translation>
        </message>
        <message>
            <source>missing value for command</source>
            <translation>命令缺少值</translation>
        </message>
        <message>
            <source>mount overlay on</source>
            <translation>挂载 overlay 到</translation>
        </message>
        <message>
            <source>mount overlay on %1: set %2 %3</source>
            <translation>挂载 overlay 到 %1: 设置 %2 %3</translation>
        </message>
        <message>
            <source>mount overlay: layer path %1 contains ':', ',' or '\'</source>
            <translation>挂载 overlay: 层路径 %1 包含 ':'、',' 或 '\'</translation>
        </message>
        <message>
            <source>mount target is required</source>
            <translation>需要指定挂载目标</translation>
        </message>
        <message>
            <source>multiple IDs found with provided prefix: %1</source>
            <translation>找到多个具有给定前缀的 ID: %1</translation>
        </message>
        <message>
            <source>must be a list of strings</source>
            <translation>必须是字符串列表</translation>
        </message>
        <message>
            <source>must be a list of strings, and holds %1</source>
            <translation>必须是字符串列表，但其中有 %1</translation>
        </message>
        <message>
            <source>must be a string</source>
            <translation>必须是字符串</translation>
        </message>
        <message>
            <source>must be a whole number of at least 1</source>
            <translation>必须是不小于 1 的整数</translation>
        </message>
        <message>
            <source>must be an http:// or https:// URL</source>
            <translation>必须是 http:// 或 https:// 地址</translation>
        </message>
        <message>
            <source>must be an object with "http-proxy", "https-proxy", "no-proxy"</source>
            <translation>必须是包含 "http-proxy"、"https-proxy"、"no-proxy" 的对象</translation>
        </message>
        <message>
            <source>nesting deeper than %1 levels</source>
            <translation>嵌套深度超过 %1 级</translation>
        </message>
        <message>
            <source>network %1 not found</source>
            <translation>找不到网络 %1</translation>
        </message>
        <message>
            <source>network mode %1 not supported</source>
            <translation>不支持网络模式 %1</translation>
        </message>
        <message>
            <source>no answer for %1 seconds</source>
            <translation>%1 秒内没有应答</translation>
        </message>
        <message>
            <source>no build stage in current context</source>
            <translation>当前上下文中没有构建阶段</translation>
        </message>
        <message>
            <source>no matching manifest for %1 in the manifest list entries (available: %2)</source>
            <translation>清单列表中没有与 %1 匹配的清单（可用：%2）</translation>
        </message>
        <message>
            <source>no system keychain is available: there is no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)</source>
            <translation>没有可用的系统钥匙串：没有 D-Bus 会话总线（未设置 DBUS_SESSION_BUS_ADDRESS）</translation>
        </message>
        <message>
            <source>none</source>
            <translation>无</translation>
        </message>
        <message>
            <source>not in xz format</source>
            <translation>不是 xz 格式</translation>
        </message>
        <message>
            <source>one of id, target or env is required for a secret mount</source>
            <translation>secret 挂载需要 id、target 或 env 之一</translation>
        </message>
        <message>
            <source>only one %1 parser directive can be used</source>
            <translation>只能使用一个 %1 解析器指令</translation>
        </message>
        <message>
            <source>open</source>
            <translation>打开</translation>
        </message>
        <message>
            <source>open database %1: %2</source>
            <translation>打开数据库 %1: %2</translation>
        </message>
        <message>
            <source>open database %1: schema version %2 is newer than this berth understands (%3)</source>
            <translation>打开数据库 %1: schema 版本 %2 比此 berth 支持的版本（%3）更新</translation>
        </message>
        <message>
            <source>open database %1: the Qt SQLite driver (QSQLITE) is not installed</source>
            <translation>打开数据库 %1: 未安装 Qt SQLite 驱动（QSQLITE）</translation>
        </message>
        <message>
            <source>open directory</source>
            <translation>打开目录</translation>
        </message>
        <message>
            <source>open directory %1: path goes through a symbolic link</source>
            <translation>打开目录 %1: 路径经过了符号链接</translation>
        </message>
        <message>
            <source>open events journal</source>
            <translation>打开事件日志</translation>
        </message>
        <message>
            <source>open events journal %1: %2</source>
            <translation>打开事件日志 %1: %2</translation>
        </message>
        <message>
            <source>open file</source>
            <translation>打开文件</translation>
        </message>
        <message>
            <source>open layer blob</source>
            <translation>打开层 blob</translation>
        </message>
        <message>
            <source>open layer directory</source>
            <translation>打开层目录</translation>
        </message>
        <message>
            <source>open lock</source>
            <translation>打开锁文件</translation>
        </message>
        <message>
            <source>open the root of container</source>
            <translation>打开容器的根目录</translation>
        </message>
        <message>
            <source>opening seccomp profile (%1) failed: %2</source>
            <translation>打开 seccomp 配置文件（%1）失败: %2</translation>
        </message>
        <message>
            <source>out of memory</source>
            <translation>内存不足</translation>
        </message>
        <message>
            <source>parse JSON: %1 at offset %2</source>
            <translation>解析 JSON: %1（偏移量 %2）</translation>
        </message>
        <message>
            <source>parse size "%1": not a number with an optional unit such as 512m or 1.5GB</source>
            <translation>解析大小 "%1": 不是数字（可带单位，如 512m 或 1.5GB）</translation>
        </message>
        <message>
            <source>parse size "%1": value out of range</source>
            <translation>解析大小 "%1": 值超出范围</translation>
        </message>
        <message>
            <source>path escapes the layer root (".." component)</source>
            <translation>路径超出了层的根目录（".." 路径组件）</translation>
        </message>
        <message>
            <source>pause container %1: %2</source>
            <translation>暂停容器 %1: %2</translation>
        </message>
        <message>
            <source>printf needs a format string</source>
            <translation>printf 需要格式字符串</translation>
        </message>
        <message>
            <source>publish port %1: create a socket: %2</source>
            <translation>发布端口 %1: 创建套接字: %2</translation>
        </message>
        <message>
            <source>publish port %1: invalid host IP address `%2`</source>
            <translation>发布端口 %1: 无效的主机 IP 地址 `%2`</translation>
        </message>
        <message>
            <source>publish port %1: unsupported protocol `%2`</source>
            <translation>发布端口 %1: 不支持的协议 `%2`</translation>
        </message>
        <message>
            <source>pull</source>
            <translation>拉取</translation>
        </message>
        <message>
            <source>pull access denied for %1, repository does not exist or may require authentication: %2</source>
            <translation>拉取 %1 被拒绝，仓库不存在或可能需要身份验证：%2</translation>
        </message>
        <message>
            <source>push</source>
            <translation>推送</translation>
        </message>
        <message>
            <source>push %1: image %2 is no longer in the store</source>
            <translation>推送 %1：镜像 %2 已不在存储中</translation>
        </message>
        <message>
            <source>push %1: layer %2 of image %3 is not in the store</source>
            <translation>推送 %1：镜像 %3 的层 %2 不在存储中</translation>
        </message>
        <message>
            <source>range can't iterate over %1</source>
            <translation>range 无法遍历 %1</translation>
        </message>
        <message>
            <source>read</source>
            <translation>读取</translation>
        </message>
        <message>
            <source>read %1: blob is shorter than recorded</source>
            <translation>读取 %1: blob 比记录的短</translation>
        </message>
        <message>
            <source>read CA certificate %1 for registry %2: %3</source>
            <translation>读取镜像仓库 %2 的 CA 证书 %1：%3</translation>
        </message>
        <message>
            <source>read CA certificate %1 for registry %2: no PEM certificate in it</source>
            <translation>读取镜像仓库 %2 的 CA 证书 %1：其中没有 PEM 证书</translation>
        </message>
        <message>
            <source>read archive entry %1: %2</source>
            <translation>读取归档条目 %1: %2</translation>
        </message>
        <message>
            <source>read blob</source>
            <translation>读取 blob</translation>
        </message>
        <message>
            <source>read blob %1</source>
            <translation>读取 blob %1</translation>
        </message>
        <message>
            <source>read blob %1: content is corrupt, its digest is %2</source>
            <translation>读取 blob %1: 内容已损坏，其摘要为 %2</translation>
        </message>
        <message>
            <source>read client certificate %1 for registry %2</source>
            <translation>读取仓库 %2 的客户端证书 %1</translation>
        </message>
        <message>
            <source>read client certificate %1 for registry %2: no PEM certificate in it</source>
            <translation>读取仓库 %2 的客户端证书 %1：其中没有 PEM 证书</translation>
        </message>
        <message>
            <source>read client key %1 for registry %2</source>
            <translation>读取仓库 %2 的客户端密钥 %1</translation>
        </message>
        <message>
            <source>read client key %1 for registry %2: no unencrypted PEM private key in it</source>
            <translation>读取仓库 %2 的客户端密钥 %1：其中没有未加密的 PEM 私钥</translation>
        </message>
        <message>
            <source>read container %1</source>
            <translation>读取容器 %1</translation>
        </message>
        <message>
            <source>read directory</source>
            <translation>读取目录</translation>
        </message>
        <message>
            <source>read events journal</source>
            <translation>读取事件日志</translation>
        </message>
        <message>
            <source>read extended attribute %1 of</source>
            <translation>读取扩展属性 %1，路径</translation>
        </message>
        <message>
            <source>read file</source>
            <translation>读取文件</translation>
        </message>
        <message>
            <source>read file %1: it shrank while it was read</source>
            <translation>读取文件 %1: 文件在读取过程中变小了</translation>
        </message>
        <message>
            <source>read image %1</source>
            <translation>读取镜像 %1</translation>
        </message>
        <message>
            <source>read image index</source>
            <translation>读取镜像索引</translation>
        </message>
        <message>
            <source>read image index %1: "manifests" is not a list</source>
            <translation>读取镜像索引 %1: "manifests" 不是列表</translation>
        </message>
        <message>
            <source>read image index %1: %2</source>
            <translation>读取镜像索引 %1: %2</translation>
        </message>
        <message>
            <source>read image index %1: manifest %2 has an invalid digest "%3"</source>
            <translation>读取镜像索引 %1: 清单 %2 的摘要 "%3" 无效</translation>
        </message>
        <message>
            <source>read layer</source>
            <translation>读取层</translation>
        </message>
        <message>
            <source>read layer %1</source>
            <translation>读取层 %1</translation>
        </message>
        <message>
            <source>read link</source>
            <translation>读取链接</translation>
        </message>
        <message>
            <source>read published ports `%1`: %2</source>
            <translation>读取已发布的端口 `%1`: %2</translation>
        </message>
        <message>
            <source>read schema version</source>
            <translation>读取 schema 版本</translation>
        </message>
        <message>
            <source>read settings file %1: %2</source>
            <translation>读取设置文件 %1：%2</translation>
        </message>
        <message>
            <source>read state of container %1: %2</source>
            <translation>读取容器 %1 的状态: %2</translation>
        </message>
        <message>
            <source>read statistics of container %1: %2</source>
            <translation>读取容器 %1 的统计信息: %2</translation>
        </message>
        <message>
            <source>read symbolic link</source>
            <translation>读取符号链接</translation>
        </message>
        <message>
            <source>read the credentials for %1 from the system keychain</source>
            <translation>从系统钥匙串读取 %1 的凭据</translation>
        </message>
        <message>
            <source>read the credentials for %1 from the system keychain: the entry holds no user name</source>
            <translation>从系统钥匙串读取 %1 的凭据：该条目没有用户名</translation>
        </message>
        <message>
            <source>record compressed blob %1 of layer %2</source>
            <translation>记录层 %2 的压缩 blob %1</translation>
        </message>
        <message>
            <source>record that blob %1 is in %2/%3</source>
            <translation>记录 blob %1 位于 %2/%3</translation>
        </message>
        <message>
            <source>refusing to create a tag with a digest reference</source>
            <translation>拒绝使用摘要引用创建标签</translation>
        </message>
        <message>
            <source>registry %1 names a token server that is not a URL: "%2"</source>
            <translation>镜像仓库 %1 指定的令牌服务器不是 URL："%2"</translation>
        </message>
        <message>
            <source>remove</source>
            <translation>删除</translation>
        </message>
        <message>
            <source>remove %1: volume is in use - [%2]</source>
            <translation>删除 %1: 卷正在使用中 - [%2]</translation>
        </message>
        <message>
            <source>remove blob</source>
            <translation>删除 blob</translation>
        </message>
        <message>
            <source>remove container %1</source>
            <translation>删除容器 %1</translation>
        </message>
        <message>
            <source>remove image %1</source>
            <translation>删除镜像 %1</translation>
        </message>
        <message>
            <source>remove layer %1</source>
            <translation>删除层 %1</translation>
        </message>
        <message>
            <source>remove tag %1</source>
            <translation>删除标签 %1</translation>
        </message>
        <message>
            <source>remove the credentials for %1 from the system keychain</source>
            <translation>从系统钥匙串删除 %1 的凭据</translation>
        </message>
        <message>
            <source>rename</source>
            <translation>重命名</translation>
        </message>
        <message>
            <source>rename container %1</source>
            <translation>重命名容器 %1</translation>
        </message>
        <message>
            <source>rename layer directory</source>
            <translation>重命名层目录</translation>
        </message>
        <message>
            <source>replace</source>
            <translation>替换</translation>
        </message>
        <message>
            <source>repository %1 not found: %2</source>
            <translation>未找到仓库 %1：%2</translation>
        </message>
        <message>
            <source>repository name (%1) must be lowercase</source>
            <translation>仓库名称（%1）必须为小写</translation>
        </message>
        <message>
            <source>repository name must be lowercase</source>
            <translation>仓库名称必须为小写</translation>
        </message>
        <message>
            <source>repository name must have at least one component</source>
            <translation>仓库名称必须至少包含一个组成部分</translation>
        </message>
        <message>
            <source>repository name must not be more than %1 characters</source>
            <translation>仓库名称不能超过 %1 个字符</translation>
        </message>
        <message>
            <source>save</source>
            <translation>保存</translation>
        </message>
        <message>
            <source>save: write %1: %2</source>
            <translation>保存: 写入 %1: %2</translation>
        </message>
        <message>
            <source>security mode %1 not supported</source>
            <translation>不支持安全模式 %1</translation>
        </message>
        <message>
            <source>seek in file</source>
            <translation>在文件中定位</translation>
        </message>
        <message>
            <source>set extended attribute %1 on</source>
            <translation>设置扩展属性 %1，路径</translation>
        </message>
        <message>
            <source>set owner, mode and times of</source>
            <translation>设置所有者、权限和时间戳</translation>
        </message>
        <message>
            <source>set times</source>
            <translation>设置时间戳</translation>
        </message>
        <message>
            <source>set times of</source>
            <translation>设置时间戳</translation>
        </message>
        <message>
            <source>settings file %1: "%2": %3</source>
            <translation>设置文件 %1："%2"：%3</translation>
        </message>
        <message>
            <source>settings file %1: must hold a JSON object</source>
            <translation>设置文件 %1：必须是一个 JSON 对象</translation>
        </message>
        <message>
            <source>settings file %1: not valid JSON at byte %2: %3</source>
            <translation>设置文件 %1：第 %2 字节处不是有效的 JSON：%3</translation>
        </message>
        <message>
            <source>sharing is only supported for cache mounts</source>
            <translation>sharing 仅支持 cache 挂载</translation>
        </message>
        <message>
            <source>start container %1: write %2/spec: %3</source>
            <translation>启动容器 %1: 写入 %2/spec: %3</translation>
        </message>
        <message>
            <source>stat blob</source>
            <translation>获取 blob 状态</translation>
        </message>
        <message>
            <source>stat events journal</source>
            <translation>获取事件日志状态</translation>
        </message>
        <message>
            <source>store the credentials for %1 in the system keychain</source>
            <translation>将 %1 的凭据保存到系统钥匙串</translation>
        </message>
        <message>
            <source>strconv.ParseInt: parsing %1: invalid syntax</source>
            <translation>strconv.ParseInt：解析 %1：语法无效</translation>
        </message>
        <message>
            <source>sync file system of</source>
            <translation>同步文件系统</translation>
        </message>
        <message>
            <source>syntax error: bad substitution</source>
            <translation>语法错误：替换无效</translation>
        </message>
        <message>
            <source>syntax error: missing '}'</source>
            <translation>语法错误：缺少 '}'</translation>
        </message>
        <message>
            <source>tag %1 as %2</source>
            <translation>将 %1 标记为 %2</translation>
        </message>
        <message>
            <source>tag can't be used with --all-tags/-a</source>
            <translation>标签不能与 --all-tags/-a 一起使用</translation>
        </message>
        <message>
            <source>tag does not exist: %1</source>
            <translation>标签不存在：%1</translation>
        </message>
        <message>
            <source>target stage %1 could not be found</source>
            <translation>找不到目标阶段 %1</translation>
        </message>
        <message>
            <source>the %1 entry of index %2 is not an image manifest but %3</source>
            <translation>索引 %2 中 %1 的条目不是镜像清单，而是 %3</translation>
        </message>
        <message>
            <source>the file is not UTF-8 text</source>
            <translation>该文件不是 UTF-8 文本</translation>
        </message>
        <message>
            <source>the layer root can only be a directory</source>
            <translation>层的根只能是目录</translation>
        </message>
        <message>
            <source>the system keychain did not answer within %1 seconds</source>
            <translation>系统钥匙串在 %1 秒内没有响应</translation>
        </message>
        <message>
            <source>time: invalid duration "%1"</source>
            <translation>time: 无效的时长 "%1"</translation>
        </message>
        <message>
            <source>time: invalid duration %1</source>
            <translation>time：无效的时长 %1</translation>
        </message>
        <message>
            <source>time: missing unit in duration "%1"</source>
            <translation>time: 时长 "%1" 缺少单位</translation>
        </message>
        <message>
            <source>time: missing unit in duration %1</source>
            <translation>time：时长 %1 缺少单位</translation>
        </message>
        <message>
            <source>time: unknown unit "%1" in duration "%2"</source>
            <translation>time: 时长 "%2" 中的单位 "%1" 未知</translation>
        </message>
        <message>
            <source>time: unknown unit %1 in duration %2</source>
            <translation>time：时长 %2 中的单位 %1 未知</translation>
        </message>
        <message>
            <source>ulimit soft limit must be less than or equal to hard limit: %1 &gt; %2</source>
            <translation>ulimit 软限制必须小于或等于硬限制: %1 &gt; %2</translation>
        </message>
        <message>
            <source>unable to find group %1: no matching entries in group file</source>
            <translation>无法找到组 %1: group 文件中没有匹配的条目</translation>
        </message>
        <message>
            <source>unable to find user %1: no matching entries in passwd file</source>
            <translation>无法找到用户 %1: passwd 文件中没有匹配的条目</translation>
        </message>
        <message>
            <source>unauthorized: authentication required</source>
            <translation>未授权：需要身份验证</translation>
        </message>
        <message>
            <source>unclosed action</source>
            <translation>未闭合的动作</translation>
        </message>
        <message>
            <source>unclosed comment</source>
            <translation>未闭合的注释</translation>
        </message>
        <message>
            <source>undefined variable "%1"</source>
            <translation>未定义的变量 "%1"</translation>
        </message>
        <message>
            <source>unexpected "%1" in %2</source>
            <translation>%2 中出现意外的 "%1"</translation>
        </message>
        <message>
            <source>unexpected "%1" in operand</source>
            <translation>操作数中出现意外的 "%1"</translation>
        </message>
        <message>
            <source>unexpected %1 in command</source>
            <translation>命令中出现意外的 %1</translation>
        </message>
        <message>
            <source>unexpected . after term "%1"</source>
            <translation>项 "%1" 之后出现意外的 .</translation>
        </message>
        <message>
            <source>unexpected EOF: {{%1}} without {{end}}</source>
            <translation>意外的 EOF: {{%1}} 缺少 {{end}}</translation>
        </message>
        <message>
            <source>unexpected end of data</source>
            <translation>数据意外结束</translation>
        </message>
        <message>
            <source>unexpected end of input</source>
            <translation>输入意外结束</translation>
        </message>
        <message>
            <source>unexpected end of input in string escape code</source>
            <translation>字符串转义码中输入意外结束</translation>
        </message>
        <message>
            <source>unexpected end of input in string literal</source>
            <translation>字符串字面量中输入意外结束</translation>
        </message>
        <message>
            <source>unexpected end of statement while looking for matching double-quote</source>
            <translation>查找匹配的双引号时语句意外结束</translation>
        </message>
        <message>
            <source>unexpected end of statement while looking for matching single-quote</source>
            <translation>查找匹配的单引号时语句意外结束</translation>
        </message>
        <message>
            <source>unexpected key '%1' in '%2'</source>
            <translation>'%2' 中出现意外的键 '%1'</translation>
        </message>
        <message>
            <source>unexpected status %1</source>
            <translation>意外的状态 %1</translation>
        </message>
        <message>
            <source>unexpected {{%1}}</source>
            <translation>意外的 {{%1}}</translation>
        </message>
        <message>
            <source>unknown flag: %1</source>
            <translation>未知标志：%1</translation>
        </message>
        <message>
            <source>unknown instruction: %1</source>
            <translation>未知指令：%1</translation>
        </message>
        <message>
            <source>unknown log opt '%1' for json-file log driver</source>
            <translation>json-file 日志驱动不支持日志选项 '%1'</translation>
        </message>
        <message>
            <source>unmount</source>
            <translation>卸载</translation>
        </message>
        <message>
            <source>unpack layer %1</source>
            <translation>解包层 %1</translation>
        </message>
        <message>
            <source>unpack layer %1: no such layer</source>
            <translation>解包层 %1: 没有这个层</translation>
        </message>
        <message>
            <source>unpack layer into %1</source>
            <translation>将层解包到 %1</translation>
        </message>
        <message>
            <source>unpause container %1: %2</source>
            <translation>恢复容器 %1: %2</translation>
        </message>
        <message>
            <source>unsupported compression method</source>
            <translation>不支持的压缩方法</translation>
        </message>
        <message>
            <source>unsupported digest algorithm %1</source>
            <translation>不支持的摘要算法 %1</translation>
        </message>
        <message>
            <source>unsupported entry type %1</source>
            <translation>不支持的条目类型 %1</translation>
        </message>
        <message>
            <source>unsupported modifier (%1) in substitution</source>
            <translation>替换中不支持的修饰符（%1）</translation>
        </message>
        <message>
            <source>unsupported mount type %1</source>
            <translation>不支持的挂载类型 %1</translation>
        </message>
        <message>
            <source>unsupported options</source>
            <translation>不支持的选项</translation>
        </message>
        <message>
            <source>unsupported sharing value %1</source>
            <translation>不支持的 sharing 值 %1</translation>
        </message>
        <message>
            <source>unterminated heredoc</source>
            <translation>heredoc 未结束</translation>
        </message>
        <message>
            <source>unterminated quoted string</source>
            <translation>未结束的引号字符串</translation>
        </message>
        <message>
            <source>unterminated raw quoted string</source>
            <translation>未结束的原始引号字符串</translation>
        </message>
        <message>
            <source>update container %1</source>
            <translation>更新容器 %1</translation>
        </message>
        <message>
            <source>value has type %1; should be string</source>
            <translation>值的类型为 %1；应为字符串</translation>
        </message>
        <message>
            <source>when using JSON array syntax, arrays must be comprised of strings only</source>
            <translation>使用 JSON 数组语法时，数组只能由字符串组成</translation>
        </message>
        <message>
            <source>write</source>
            <translation>写入</translation>
        </message>
        <message>
            <source>write %1: %2</source>
            <translation>写入 %1: %2</translation>
        </message>
        <message>
            <source>write blob %1: digest mismatch, the content has digest %2</source>
            <translation>写入 blob %1: 摘要不匹配，内容的摘要为 %2</translation>
        </message>
        <message>
            <source>write changes of %1</source>
            <translation>写入 %1 的变更</translation>
        </message>
        <message>
            <source>write ingest %1: already committed or aborted</source>
            <translation>写入接收任务 %1: 已提交或已中止</translation>
        </message>
        <message>
            <source>write layer tar of %1</source>
            <translation>写入 %1 的层 tar</translation>
        </message>
        <message>
            <source>write tar entry "%1": %2</source>
            <translation>写入 tar 条目 "%1": %2</translation>
        </message>
        <message>
            <source>write tar of %1</source>
            <translation>写入 %1 的 tar 归档</translation>
        </message>
        <message>
            <source>write tar: %1</source>
            <translation>写入 tar: %1</translation>
        </message>
        <message>
            <source>write transaction</source>
            <translation>写事务</translation>
        </message>
        <message>
            <source>wrong number of args for %1: want %2 got %3</source>
            <translation>%1 的参数数量错误: 需要 %2 个，实际为 %3 个</translation>
        </message>
        <message>
            <source>wrong number of args for %1: want at least 1 got 0</source>
            <translation>%1 的参数数量错误: 至少需要 1 个，实际为 0 个</translation>
        </message>
        <message>
            <source>wrong number of args for ne: want 2 got %1</source>
            <translation>ne 的参数数量错误: 需要 2 个，实际为 %1 个</translation>
        </message>
        <message>
            <source>{{%1}} is not supported</source>
            <translation>不支持 {{%1}}</translation>
        </message>
    </context>
    <context>
        <name>berth::app::ImagesModel</name>
        <message>
            <source>Created</source>
            <translation>创建时间</translation>
        </message>
        <message>
            <source>Image ID</source>
            <translation>镜像 ID</translation>
        </message>
        <message>
            <source>Repository</source>
            <translation>仓库</translation>
        </message>
        <message>
            <source>Size</source>
            <translation>大小</translation>
        </message>
        <message>
            <source>Tag</source>
            <translation>标签</translation>
        </message>
    </context>
    <context>
        <name>berth::app::MainWindow</name>
        <message>
            <source>Cannot read the image list: %1</source>
            <translation>无法读取镜像列表：%1</translation>
        </message>
        <message>
            <source>Images in %1: %2</source>
            <translation>%1 中的镜像：%2</translation>
        </message>
        <message>
            <source>Loading images from %1…</source>
            <translation>正在从 %1 加载镜像…</translation>
        </message>
    </context>
    <context>
        <name>main</name>
        <message>
            <source>Berth desktop container engine</source>
            <translation>Berth 桌面容器引擎</translation>
        </message>
        <message>
            <source>DIR</source>
            <translation>目录</translation>
        </message>
        <message>
            <source>Store directory (default %1).</source>
            <translation>存储目录（默认为 %1）。</translation>
        </message>
    </context>
</TS>
