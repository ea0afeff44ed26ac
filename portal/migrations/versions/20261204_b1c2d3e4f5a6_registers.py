"""registers: 三资 register snapshots (assets, resources, contracts, debts), their rows and items

Revision ID: b1c2d3e4f5a6
Revises: a7b8c9d0e1f2
Create Date: 2026-12-04 21:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b1c2d3e4f5a6'
down_revision = 'a7b8c9d0e1f2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('register_snapshot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('row_count', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('file_sha256', sa.String(length=64), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('imported_by_id', sa.Integer(), nullable=False),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('contracts_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['contracts_id'], ['register_snapshot.id'], name=op.f('fk_register_snapshot_contracts_id_register_snapshot')),
    sa.ForeignKeyConstraint(['imported_by_id'], ['user_account.id'], name=op.f('fk_register_snapshot_imported_by_id_user_account')),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_register_snapshot_site_id_site')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['user_account.id'], name=op.f('fk_register_snapshot_submitted_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_register_snapshot')),
    sa.UniqueConstraint('site_id', 'kind', 'as_of', 'number', name=op.f('uq_register_snapshot_site_id_kind_as_of_number'))
    )
    with op.batch_alter_table('register_snapshot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_register_snapshot_site_id'), ['site_id'], unique=False)

    op.create_table('register_row',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('snapshot_id', sa.Integer(), nullable=False),
    sa.Column('line', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('unit', sa.String(length=10), nullable=False),
    sa.Column('quantity', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('value_fen', sa.BigInteger(), nullable=False),
    sa.Column('depreciation_fen', sa.BigInteger(), nullable=False),
    sa.Column('received_fen', sa.BigInteger(), nullable=False),
    sa.Column('start', sa.Date(), nullable=True),
    sa.Column('end', sa.Date(), nullable=True),
    sa.Column('location', sa.String(length=100), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('person', sa.String(length=100), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('decision', sa.String(length=200), nullable=False),
    sa.Column('contract_ref', sa.String(length=40), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_register_row_site_id_site')),
    sa.ForeignKeyConstraint(['snapshot_id'], ['register_snapshot.id'], name=op.f('fk_register_row_snapshot_id_register_snapshot')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_register_row'))
    )
    with op.batch_alter_table('register_row', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_register_row_site_id'), ['site_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_register_row_snapshot_id'), ['snapshot_id'], unique=False)

    op.create_table('register_item',
    sa.Column('snapshot_id', sa.Integer(), nullable=False),
    sa.Column('category_code', sa.String(length=16), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('prior_number', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_register_item_item_id_item')),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_register_item_site_id_site')),
    sa.ForeignKeyConstraint(['snapshot_id'], ['register_snapshot.id'], name=op.f('fk_register_item_snapshot_id_register_snapshot')),
    sa.PrimaryKeyConstraint('snapshot_id', 'category_code', name=op.f('pk_register_item'))
    )
    with op.batch_alter_table('register_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_register_item_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_register_item_site_id'), ['site_id'], unique=False)


def downgrade():
    with op.batch_alter_table('register_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_register_item_site_id'))
        batch_op.drop_index(batch_op.f('ix_register_item_item_id'))

    op.drop_table('register_item')
    with op.batch_alter_table('register_row', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_register_row_snapshot_id'))
        batch_op.drop_index(batch_op.f('ix_register_row_site_id'))

    op.drop_table('register_row')
    with op.batch_alter_table('register_snapshot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_register_snapshot_site_id'))

    op.drop_table('register_snapshot')
