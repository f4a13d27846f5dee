# Sourced by probe.sh and bench.sh on the GPU machine: unpacks the browser parked in
# /tmp/chr-parts (once), points fonts, GL and Vulkan at what the machine has, and serves
# $here/www on http://127.0.0.1:8000 (WebGPU needs a secure context; SPID is the server).
R=/tmp/chr
if [ ! -x $R/chromium/chromium ]; then
  mkdir -p $R && cat /tmp/chr-parts/part* | xz -d | tar -C $R -xf - || { echo "unpack failed"; exit 1; }
fi
printf '<?xml version="1.0"?><fontconfig><dir>%s</dir><cachedir>/tmp/fc-cache</cachedir></fontconfig>\n' "$R/fonts/dejavu" > /tmp/fonts.conf
export FONTCONFIG_FILE=/tmp/fonts.conf
export LD_LIBRARY_PATH=$here/gl:$R/lib:$R/chromium:/usr/local/nvidia/lib64
export __EGL_VENDOR_LIBRARY_FILENAMES=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
export VK_ICD_FILENAMES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
(cd $here/www && exec python3 -m http.server 8000 --bind 127.0.0.1 >/dev/null 2>&1) & SPID=$!
