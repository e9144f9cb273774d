import type uPlot from 'uplot';

/** Draws upstream `gap` markers as dashed vertical lines: where the provider's stream lost messages. */
export function gapMarkersPlugin(positions: () => readonly number[]): uPlot.Plugin {
  return {
    hooks: {
      draw: (u) => {
        const { ctx, bbox } = u;
        ctx.save();
        ctx.strokeStyle = '#b07aa1';
        ctx.fillStyle = '#b07aa1';
        ctx.lineWidth = 2 * devicePixelRatio;
        ctx.setLineDash([6 * devicePixelRatio, 4 * devicePixelRatio]);
        ctx.font = `${11 * devicePixelRatio}px sans-serif`;
        for (const x of positions()) {
          const px = u.valToPos(x, 'x', true);
          if (!(px >= bbox.left && px <= bbox.left + bbox.width)) continue;
          ctx.beginPath();
          ctx.moveTo(px, bbox.top);
          ctx.lineTo(px, bbox.top + bbox.height);
          ctx.stroke();
          ctx.fillText('gap', px + 3 * devicePixelRatio, bbox.top + 12 * devicePixelRatio);
        }
        ctx.restore();
      },
    },
  };
}
