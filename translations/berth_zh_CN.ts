<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
    <context>
        <name>MainWindow</name>
        <message>
            <source>Berth</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>F5</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Filter by repository or tag</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Images</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Main toolbar</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No images yet. Load one with "berth load -i FILE" or import a root file system with "berth import".</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Read the image list from the store again</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Refresh</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>berth</name>
        <message>
            <source>%1 %2: not a valid sha256 digest</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 days</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 hours</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 in database %2: %3</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 is not a valid change command</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 minutes</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 months</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 must have two arguments</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 names can not be blank: "%2"</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 requires at least one argument</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 requires exactly one argument</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 seconds</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 weeks</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 years</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1: image %2 uses it</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1: it is the parent of layer %2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1: layer %2 is not in the store</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1: no such container</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1: no such image</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1: no such image %2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1: no such layer</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1: no such tag</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1: not a sha256 digest</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1: parent layer %2 is not in the store</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1: the name "%2" is already in use by container %3</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>1 second</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>About a minute</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>About an hour</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Less than a second</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No such image: %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>absolute path not allowed in a layer</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>add container %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>add image %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>add layer %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>add repo digest %1 to image %2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>after array element</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>after decimal point in numeric literal</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>after object key</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>after object key:value pair</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>after top-level value</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>bad number syntax: "%1"</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>can't evaluate field %1 in type %2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>can't give argument to non-function %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>can't index item of type %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>cancelled</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>cannot initialize the decoder</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>change mode</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>change mode of</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>change owner</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>change owner of</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>checksum mismatch</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>chmod ingest file</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>comment ends before closing delimiter</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>commit blob</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>commit blob %1: digest mismatch, expected %1, actual %2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>commit blob %1: rename to</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>commit blob %1: size mismatch, expected %2 bytes, got %3 (digest %4)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>commit ingest %1: already committed or aborted</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>configure database %1: cannot switch to WAL journal mode (got "%2")</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>configure the connection</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>conflict: unable to delete %1 (cannot be forced) - image has dependent child images</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>conflict: unable to delete %1 (must be forced) - image is being used by stopped container %2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>conflict: unable to delete %1 (must be forced) - image is referenced in multiple repositories</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>conflict: unable to remove repository reference "%1" (must force) - container %2 is using its referenced image %3</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>copy file</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>copy layer %1 into %2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>create</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>create device node</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>create directory</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>create fifo</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>create file</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>create hard link</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>create hard link to</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>create ingest file in</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>create node</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>create symbolic link</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>create whiteout device</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>decoder error %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>decompress %1 stream</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>decompress %1 stream %2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>empty name</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>end of archive</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>entry "%1"</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>entry "%1": %2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>error calling %1: %2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>executing "" at &lt;%1&gt;: %2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>expected {{end}} after {{else}} of {{%1}}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>extend sparse file</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>find hard link target</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>find images with ID prefix %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>fsync</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>function "%1" not defined</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>gzip compress: deflate failed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>gzip compress: write after finish</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>hard link target "%1" escapes the layer root</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>hard link target "%1" goes through a symbolic link</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>hard link target "%1" is an absolute path</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>image %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>image config has no rootfs of type "layers"</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>import</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>in \u hexadecimal character escape</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>in exponent of numeric literal</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>in literal %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>in string escape code</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>in string literal</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>incompatible types for comparison</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>index of untyped nil</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>index out of range: %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>inspect</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>inspect existing entry</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>invalid character '%1' %2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>invalid checksum digest length or characters in %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>invalid compressed data</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>invalid deflate data</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>invalid diff_id "%1" in image config</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>invalid gzip header</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>invalid image config JSON: %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>invalid manifest JSON: %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>invalid port "%1" in EXPOSE</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>invalid reference format</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>invalid reference format: %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>invalid repository name (%1), cannot specify 64-byte hexadecimal strings</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>invalid syntax in quoted string</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>invalid type for comparison</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>invalid whiteout name</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>layer</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>layer blob %1 was removed by another berth process; try again</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>len of type %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>list containers of image %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>list extended attributes of</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>list images</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>list layers</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>list repo digests</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>list repo digests of image %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>list tags</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>list tags of image %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>list unreferenced layers</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>load</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>load layer %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>load: blob %1 does not match its digest</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>load: blob %1 named in index.json is missing from the archive</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>load: config %1 is missing from the archive</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>load: config %1 named in manifest.json is missing from the archive</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>load: corrupt or truncated archive: %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>load: image %1 lists %2 layers in its config but %3 in its manifest</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>load: invalid image name "%1" in the archive</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>load: layer %1 does not match its digest (got %2)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>load: layer %1 is missing from the archive</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>load: layer %1 named in manifest.json is missing from the archive</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>load: layer %1 of image %2 has diffID %3, but the config expects %4</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>load: manifest %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>load: manifest.json is not valid: %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>load: the archive has neither manifest.json nor index.json; is it made by "docker save" or an OCI image layout?</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>load: the input is not a tar archive: %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>lock</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>look up tag %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>looking for beginning of object key string</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>looking for beginning of value</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>manifest</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>manifest has no valid config digest</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>manifest lists an invalid layer digest "%1"</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>manifest schema version %1 is not supported (only schema 2)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>migrate schema to version %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>missing argument for comparison</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>missing value for command</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>mount overlay on</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>mount overlay on %1: set %2 %3</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>mount overlay: layer path %1 contains ':', ',' or '\'</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>multiple IDs found with provided prefix: %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>nesting deeper than %1 levels</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>not in xz format</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>open</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>open database %1: %2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>open database %1: schema version %2 is newer than this berth understands (%3)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>open database %1: the Qt SQLite driver (QSQLITE) is not installed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>open directory</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>open directory %1: path goes through a symbolic link</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>open events journal</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>open events journal %1: %2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>open file</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>open layer directory</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>open lock</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>out of memory</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>parse JSON: %1 at offset %2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>parse size "%1": not a number with an optional unit such as 512m or 1.5GB</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>parse size "%1": value out of range</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>path escapes the layer root (".." component)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>printf needs a format string</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>range can't iterate over %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>read</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>read %1: blob is shorter than recorded</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>read archive entry %1: %2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>read blob</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>read blob %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>read blob %1: content is corrupt, its digest is %2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>read directory</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>read events journal</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>read extended attribute %1 of</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>read file</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>read file %1: it shrank while it was read</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>read image %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>read image index</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>read image index %1: "manifests" is not a list</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>read image index %1: %2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>read image index %1: manifest %2 has an invalid digest "%3"</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>read layer</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>read layer %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>read schema version</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>read symbolic link</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>refusing to create a tag with a digest reference</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>remove</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>remove blob</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>remove container %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>remove image %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>remove layer %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>remove tag %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>rename</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>rename layer directory</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>repository name (%1) must be lowercase</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>repository name must be lowercase</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>repository name must have at least one component</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>repository name must not be more than %1 characters</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>save</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>save: write %1: %2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>seek in file</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>set extended attribute %1 on</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>set times</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>set times of</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>stat blob</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>stat events journal</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>tag %1 as %2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>the layer root can only be a directory</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>unclosed action</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>unclosed comment</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>undefined variable "%1"</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>unexpected "%1" in %2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>unexpected "%1" in operand</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>unexpected %1 in command</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>unexpected . after term "%1"</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>unexpected EOF: {{%1}} without {{end}}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>unexpected end of data</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>unexpected end of input</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>unexpected end of input in string escape code</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>unexpected end of input in string literal</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>unexpected {{%1}}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>unmount</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>unpack layer into %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>unsupported compression method</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>unsupported digest algorithm %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>unsupported entry type %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>unsupported options</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>unterminated quoted string</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>unterminated raw quoted string</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>value has type %1; should be string</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>write</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>write blob %1: digest mismatch, the content has digest %2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>write changes of %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>write ingest %1: already committed or aborted</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>write layer tar of %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>write tar entry "%1": %2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>write tar: %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>write transaction</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>wrong number of args for %1: want %2 got %3</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>wrong number of args for %1: want at least 1 got 0</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>wrong number of args for ne: want 2 got %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{{%1}} is not supported</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>berth::app::ImagesModel</name>
        <message>
            <source>Created</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Image ID</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Repository</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Size</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Tag</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>berth::app::MainWindow</name>
        <message numerus="yes">
            <source>%n image(s) in %1</source>
            <translation type="unfinished">
                <numerusform />
            </translation>
        </message>
        <message>
            <source>Cannot read the image list: %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Loading images from %1…</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>main</name>
        <message>
            <source>Berth desktop container engine</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>DIR</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Store directory (default %1).</source>
            <translation type="unfinished" />
        </message>
    </context>
</TS>
